//! Policy documents, arbitrary text: read as identity-based, trust and resource-based
//! policies (through iam's entry points and the engine's), and every one that reads is
//! evaluated for a request, in a complete and in an open context.
#![no_main]

use credreport_policy::{
    evaluate, ContextValue, Policy, PolicyKind, PolicySet, Principal, Request, RequestContext,
    SourceType, Sourced,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = credreport_iam::policy::parse_policy(&text);
    let _ = credreport_iam::trust::parse_trust_policy(&text);
    let mut complete = RequestContext::new();
    complete
        .set("aws:username", ContextValue::string("alice"))
        .set("aws:SourceIp", ContextValue::string("203.0.113.9"))
        .set("aws:CurrentTime", ContextValue::string("2020-05-01T00:00:00Z"))
        .request_tag("team", "blue");
    let open = RequestContext::open();
    for kind in [PolicyKind::Identity, PolicyKind::Trust, PolicyKind::Resource] {
        let Ok(policy) = Policy::parse(&text, kind) else {
            continue;
        };
        let sourced = Sourced {
            id: "fuzz",
            source_type: SourceType::None,
            policy: &policy,
        };
        let identity = [sourced];
        let set = PolicySet {
            identity: &identity,
            resource: Some(sourced),
            boundary: Some(sourced),
            ..PolicySet::default()
        };
        for context in [&complete, &open] {
            let request = Request {
                principal: Principal::User {
                    account: "111122223333",
                    arn: "arn:aws:iam::111122223333:user/alice",
                },
                action: "iam:GetUser",
                resource: "arn:aws:iam::111122223333:user/alice",
                resource_account: None,
                context,
            };
            let _ = evaluate(&request, &set);
        }
        let _ = policy.context_keys();
    }
});
