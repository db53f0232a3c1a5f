//! The privilege-escalation paths through IAM: how a principal that cannot do everything
//! can make itself able to.
//!
//! The list is Rhino Security Labs' "AWS IAM Privilege Escalation – Methods and
//! Mitigation" (Spencer Gietzen, 2018;
//! <https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/>), as
//! Cloudsplaining catalogues it (`PRIVILEGE_ESCALATION_METHODS` in salesforce/cloudsplaining,
//! `cloudsplaining/shared/constants.py`: the same 21 methods, the DynamoDB trigger in two
//! forms, under the same names), with the pathfinding.cloud page of each where
//! Cloudsplaining names one. One path is added: assuming an administrator role, which is
//! not an escalation but reaches the same place (NCC Group's Principal Mapper draws the
//! same edge), and so is lifting one's own permissions boundary when one's own policies
//! allow everything (the boundary is then the only limit).
//!
//! Cloudsplaining flags a policy that allows a method's actions anywhere. Here each step is
//! asked of the policy evaluator on the resource the method needs: the principal itself,
//! its groups, the customer managed policies attached to it, another user or a role that is
//! an administrator (and, for a role passed to a service, whose trust policy lets that
//! service in). So a user who may create access keys for itself only is not an
//! administrator, and one who may create them for an administrator is.

/// Where a path goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The principal itself (its user or role).
    Itself,
    /// A role: itself (a role principal), or a role it may assume.
    ItselfOrAssumableRole,
    /// One of its groups (users only).
    OwnGroup,
    /// A customer managed policy attached to it or to one of its groups.
    OwnPolicy,
    /// Such a policy that has another version to make the default.
    OwnPolicyWithVersions,
    /// Another user that is an administrator.
    AdminUser,
    /// A group whose policies make its members administrators.
    AdminGroup,
    /// A role that is an administrator.
    AdminRole,
    /// A role that is an administrator and that the principal may assume (its trust
    /// policy and the principal's own policies allow `sts:AssumeRole`).
    AssumableAdminRole,
    /// A role that is an administrator and that this service may assume (its trust policy
    /// names the service principal): passed to the service's new resource.
    PassedAdminRole(&'static str),
    /// Its own permissions boundary, lifted (deleted, replaced with AdministratorAccess,
    /// or its policy rewritten) when its own policies allow everything.
    OwnBoundary,
    /// An existing resource of the service, running as an administrator role that this
    /// service may assume (which resource runs as which role is not in the
    /// authorization details: a path when such a role exists).
    ExistingResourceOf(&'static str),
}

/// Where one step acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    /// On the path's target.
    Target,
    /// On the target, asked of the principal's own policies only (the target's
    /// resource-based policy is the one the path rewrites).
    TargetOwnSide,
    /// On some resource of its service (a new one, named as the principal likes).
    AnyResource,
}

/// One action of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The action.
    pub action: &'static str,
    /// Where.
    pub on: On,
}

/// One privilege-escalation path.
#[derive(Debug, PartialEq, Eq)]
pub struct Path {
    /// The method's name in Cloudsplaining's catalogue (`PutUserPolicy`).
    pub id: &'static str,
    /// Its pathfinding.cloud page (`iam-007`), where Cloudsplaining names one.
    pub pathfinding: Option<&'static str>,
    /// What it does, in a few words.
    pub summary: &'static str,
    /// Which principals it is open to.
    pub principals: Principals,
    /// What it goes through.
    pub target: Target,
    /// The actions it needs, all on the same target.
    pub steps: &'static [Step],
}

/// Which principals a path is open to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principals {
    /// Users only.
    Users,
    /// Users and roles.
    Both,
}

impl Path {
    /// Where the path is documented.
    pub fn citation(&self) -> String {
        match (self.id, self.pathfinding) {
            ("AssumeAdministratorRole", _) => {
                "assuming an administrator role (not an escalation method: the role's own access)"
                    .to_owned()
            }
            ("LiftOwnPermissionsBoundary", _) => {
                "a permissions boundary its holder may delete or rewrite limits nothing (IAM User \
                 Guide, \"Permissions boundaries for IAM entities\")"
                    .to_owned()
            }
            (id, Some(page)) => format!(
                "Rhino Security Labs' privilege escalation method {id} (pathfinding.cloud {page})"
            ),
            (id, None) => format!("Rhino Security Labs' privilege escalation method {id}"),
        }
    }
}

const fn on(action: &'static str) -> Step {
    Step {
        action,
        on: On::Target,
    }
}

const fn any(action: &'static str) -> Step {
    Step {
        action,
        on: On::AnyResource,
    }
}

const PASS: Step = on("iam:PassRole");

/// Every path, in the catalogue's order (the added one last).
pub static PATHS: [Path; 24] = [
    // 1. IAM permissions on other users.
    Path {
        id: "CreateAccessKey",
        pathfinding: Some("iam-002"),
        summary: "creates an access key for an administrator user",
        principals: Principals::Both,
        target: Target::AdminUser,
        steps: &[on("iam:CreateAccessKey")],
    },
    Path {
        id: "CreateLoginProfile",
        pathfinding: Some("iam-004"),
        summary: "creates a console password for an administrator user",
        principals: Principals::Both,
        target: Target::AdminUser,
        steps: &[on("iam:CreateLoginProfile")],
    },
    Path {
        id: "UpdateLoginProfile",
        pathfinding: Some("iam-006"),
        summary: "changes the console password of an administrator user",
        principals: Principals::Both,
        target: Target::AdminUser,
        steps: &[on("iam:UpdateLoginProfile")],
    },
    Path {
        id: "AddUserToGroup",
        pathfinding: Some("iam-013"),
        summary: "adds itself to an administrators' group",
        principals: Principals::Users,
        target: Target::AdminGroup,
        steps: &[on("iam:AddUserToGroup")],
    },
    // 2. Permissions on policies.
    Path {
        id: "CreateNewPolicyVersion",
        pathfinding: Some("iam-001"),
        summary: "writes a new default version of a policy attached to it",
        principals: Principals::Both,
        target: Target::OwnPolicy,
        steps: &[on("iam:CreatePolicyVersion")],
    },
    Path {
        id: "SetExistingDefaultPolicyVersion",
        pathfinding: None,
        summary: "makes another version of a policy attached to it the default",
        principals: Principals::Both,
        target: Target::OwnPolicyWithVersions,
        steps: &[on("iam:SetDefaultPolicyVersion")],
    },
    Path {
        id: "AttachUserPolicy",
        pathfinding: Some("iam-008"),
        summary: "attaches AdministratorAccess to itself",
        principals: Principals::Users,
        target: Target::Itself,
        steps: &[on("iam:AttachUserPolicy")],
    },
    Path {
        id: "AttachGroupPolicy",
        pathfinding: Some("iam-010"),
        summary: "attaches AdministratorAccess to its group",
        principals: Principals::Users,
        target: Target::OwnGroup,
        steps: &[on("iam:AttachGroupPolicy")],
    },
    Path {
        id: "AttachRolePolicy",
        pathfinding: Some("iam-009"),
        summary: "attaches AdministratorAccess to its role, or to a role it may assume",
        principals: Principals::Both,
        target: Target::ItselfOrAssumableRole,
        steps: &[on("iam:AttachRolePolicy")],
    },
    Path {
        id: "PutUserPolicy",
        pathfinding: Some("iam-007"),
        summary: "writes an inline policy into itself",
        principals: Principals::Users,
        target: Target::Itself,
        steps: &[on("iam:PutUserPolicy")],
    },
    Path {
        id: "PutGroupPolicy",
        pathfinding: Some("iam-011"),
        summary: "writes an inline policy into its group",
        principals: Principals::Users,
        target: Target::OwnGroup,
        steps: &[on("iam:PutGroupPolicy")],
    },
    Path {
        id: "PutRolePolicy",
        pathfinding: Some("iam-005"),
        summary: "writes an inline policy into its role, or into a role it may assume",
        principals: Principals::Both,
        target: Target::ItselfOrAssumableRole,
        steps: &[on("iam:PutRolePolicy")],
    },
    // 3. Updating an AssumeRole policy.
    Path {
        id: "UpdateRolePolicyToAssumeIt",
        pathfinding: Some("iam-012"),
        summary: "rewrites an administrator role's trust policy and assumes it",
        principals: Principals::Both,
        target: Target::AdminRole,
        steps: &[
            on("iam:UpdateAssumeRolePolicy"),
            Step {
                action: "sts:AssumeRole",
                on: On::TargetOwnSide,
            },
        ],
    },
    // 4. iam:PassRole.
    Path {
        id: "CreateEC2WithExistingIP",
        pathfinding: Some("ec2-001"),
        summary: "passes an administrator role to a new EC2 instance",
        principals: Principals::Both,
        target: Target::PassedAdminRole("ec2.amazonaws.com"),
        steps: &[PASS, any("ec2:RunInstances")],
    },
    Path {
        id: "PassExistingRoleToNewLambdaThenInvoke",
        pathfinding: Some("lambda-001"),
        summary: "passes an administrator role to a new Lambda function and invokes it",
        principals: Principals::Both,
        target: Target::PassedAdminRole("lambda.amazonaws.com"),
        steps: &[
            PASS,
            any("lambda:CreateFunction"),
            any("lambda:InvokeFunction"),
        ],
    },
    Path {
        id: "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        pathfinding: Some("lambda-002"),
        summary: "passes an administrator role to a new Lambda function run by a new DynamoDB table's stream",
        principals: Principals::Both,
        target: Target::PassedAdminRole("lambda.amazonaws.com"),
        steps: &[
            PASS,
            any("lambda:CreateFunction"),
            any("lambda:CreateEventSourceMapping"),
            any("dynamodb:CreateTable"),
            any("dynamodb:PutItem"),
        ],
    },
    Path {
        id: "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
        pathfinding: Some("lambda-002"),
        summary: "passes an administrator role to a new Lambda function run by a DynamoDB stream",
        principals: Principals::Both,
        target: Target::PassedAdminRole("lambda.amazonaws.com"),
        steps: &[
            PASS,
            any("lambda:CreateFunction"),
            any("lambda:CreateEventSourceMapping"),
        ],
    },
    Path {
        id: "PassExistingRoleToNewGlueDevEndpoint",
        pathfinding: Some("glue-001"),
        summary: "passes an administrator role to a new Glue development endpoint",
        principals: Principals::Both,
        target: Target::PassedAdminRole("glue.amazonaws.com"),
        steps: &[PASS, any("glue:CreateDevEndpoint")],
    },
    Path {
        id: "PassExistingRoleToCloudFormation",
        pathfinding: Some("cloudformation-001"),
        summary: "passes an administrator role to a new CloudFormation stack",
        principals: Principals::Both,
        target: Target::PassedAdminRole("cloudformation.amazonaws.com"),
        steps: &[PASS, any("cloudformation:CreateStack")],
    },
    Path {
        id: "PassExistingRoleToNewDataPipeline",
        pathfinding: Some("datapipeline-001"),
        summary: "passes an administrator role to a new Data Pipeline",
        principals: Principals::Both,
        target: Target::PassedAdminRole("datapipeline.amazonaws.com"),
        steps: &[PASS, any("datapipeline:CreatePipeline")],
    },
    // 5. Privilege escalation using AWS services.
    Path {
        id: "UpdateExistingGlueDevEndpoint",
        pathfinding: Some("glue-002"),
        summary: "adds its SSH key to a Glue development endpoint that may run as an administrator role",
        principals: Principals::Both,
        target: Target::ExistingResourceOf("glue.amazonaws.com"),
        steps: &[any("glue:UpdateDevEndpoint")],
    },
    Path {
        id: "EditExistingLambdaFunctionWithRole",
        pathfinding: Some("lambda-003"),
        summary: "replaces the code of a Lambda function that may run as an administrator role",
        principals: Principals::Both,
        target: Target::ExistingResourceOf("lambda.amazonaws.com"),
        steps: &[any("lambda:UpdateFunctionCode")],
    },
    // Added: lifting a boundary that is the only limit.
    Path {
        id: "LiftOwnPermissionsBoundary",
        pathfinding: None,
        summary: "lifts its own permissions boundary, the only limit on its own policies",
        principals: Principals::Both,
        target: Target::OwnBoundary,
        steps: &[],
    },
    // Added: not an escalation, the same outcome.
    Path {
        id: "AssumeAdministratorRole",
        pathfinding: None,
        summary: "assumes an administrator role",
        principals: Principals::Both,
        target: Target::AssumableAdminRole,
        steps: &[on("sts:AssumeRole")],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use credreport_policy::catalog::Catalog;

    #[test]
    fn every_step_is_an_action_of_the_catalog() {
        for path in &PATHS {
            for step in path.steps {
                assert!(
                    Catalog::get().find(step.action).is_some(),
                    "{}: {}",
                    path.id,
                    step.action
                );
            }
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = PATHS.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PATHS.len());
    }
}
