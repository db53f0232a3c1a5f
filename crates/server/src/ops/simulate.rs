//! The policy simulator's actions: SimulatePrincipalPolicy and
//! GetContextKeysForPrincipalPolicy authorized on the principal's ARN (as the caller gave
//! it), SimulateCustomPolicy and GetContextKeysForCustomPolicy on `*`.

use credreport_iam::simulate::{EvalResult, Simulation};

use super::{Action, OpResult, Ops, Resource};

impl Ops<'_> {
    /// SimulatePrincipalPolicy.
    pub fn simulate_principal_policy(
        &self,
        source: &str,
        sim: &Simulation<'_>,
    ) -> OpResult<Vec<EvalResult>> {
        self.authorize(Action::SimulatePrincipalPolicy, &Resource::given(source))?;
        Ok(self
            .iam
            .simulate_principal_policy(self.account(), source, sim)?)
    }

    /// SimulateCustomPolicy.
    pub fn simulate_custom_policy(&self, sim: &Simulation<'_>) -> OpResult<Vec<EvalResult>> {
        self.authorize(Action::SimulateCustomPolicy, &Resource::Any)?;
        Ok(self.iam.simulate_custom_policy(self.account(), sim)?)
    }

    /// GetContextKeysForPrincipalPolicy.
    pub fn context_keys_for_principal_policy(
        &self,
        source: &str,
        inputs: &[String],
    ) -> OpResult<Vec<String>> {
        self.authorize(
            Action::GetContextKeysForPrincipalPolicy,
            &Resource::given(source),
        )?;
        Ok(self
            .iam
            .context_keys_for_principal_policy(self.account(), source, inputs)?)
    }

    /// GetContextKeysForCustomPolicy.
    pub fn context_keys_for_custom_policy(&self, inputs: &[String]) -> OpResult<Vec<String>> {
        self.authorize(Action::GetContextKeysForCustomPolicy, &Resource::Any)?;
        Ok(self.iam.context_keys_for_custom_policy(inputs)?)
    }
}
