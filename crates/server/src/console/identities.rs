//! Groups, roles and managed policies in the console: lists and detail pages, each
//! authorized as the matching API reads are (ListGroups, GetGroup, ListRoles, GetRole,
//! ListPolicies, GetPolicy, …).

use credreport_iam::{Named, PolicyScope};
use maud::{html, Markup};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::credentials::needs;
use super::page::{self, Nav};
use super::{Console, PageResult, Req};
use crate::error::AwsError;
use crate::ops::{ListArgs, OpError, Ops, PolicyListArgs, PolicyView};

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn policy_link(name: &str, arn: &str) -> Markup {
    html! { a href=(format!("/console/policies/view?arn={}", enc(arn))) { (name) } }
}

/// How a list the policies allow but the store could not read shows.
fn failed(e: OpError) -> Markup {
    let text = match e {
        OpError::Iam(e) => e.to_string(),
        e => AwsError::from(e).message.unwrap_or_default(),
    };
    html! { p.notice.error { (text) } }
}

/// A section listing inline policies with their documents, and one of attached policies.
fn policies_markup(ops: &Ops<'_>, who: Named<'_>) -> Markup {
    html! {
        section.panel aria-labelledby="attached" {
            h2 #attached { "Attached managed policies" }
            @match ops.list_attached_policies(who, None) {
                Ok(list) if list.is_empty() => p { "None." },
                Ok(list) => ul { @for (name, parn) in &list { li { (policy_link(name, parn)) } } },
                Err(OpError::Denied { action, .. }) => (needs(action)),
                Err(e) => (failed(e)),
            }
        }
        section.panel aria-labelledby="inline" {
            h2 #inline { "Inline policies" }
            @match ops.inline_policy_documents(who) {
                Ok(inline) => {
                    @if inline.is_empty() { p { "None." } }
                    @for p in &inline {
                        details { summary { (p.name) } pre.mono { (p.document) } }
                    }
                },
                Err(OpError::Denied { action, .. }) => (needs(action)),
                Err(_) => p { "None." },
            }
        }
    }
}

/// The first page of a console list.
fn first_page(req: &Req) -> ListArgs<'_> {
    ListArgs {
        path_prefix: None,
        marker: req.field("marker").map(str::to_owned),
        max: 100,
    }
}

/// GET /console/groups
pub(crate) fn groups(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    let page = c.ops(&me, &req).list_groups(Ok(first_page(&req)))?;
    let body = html! {
        section.panel aria-labelledby="list" {
            h2 #list { "Groups" }
            @if page.items.is_empty() { p { "No groups." } } @else {
                table.wide {
                    thead { tr { th scope="col" { "Group name" } th scope="col" { "Path" } th scope="col" { "Created" } } }
                    tbody { @for g in &page.items { tr {
                        td data-label="Group name" { a href=(format!("/console/groups/{}", enc(&g.name))) { (g.name) } }
                        td.mono data-label="Path" { (g.path) }
                        td data-label="Created" { (page::when(g.created)) }
                    } } }
                }
            }
            @if let Some(next) = &page.next { p { a href=(format!("/console/groups?marker={}", enc(next))) rel="next" { "Next page" } } }
        }
    };
    Ok(page::ok(page::signed_in(&me, "Groups", Nav::Groups, body)))
}

/// GET /console/groups/NAME
pub(crate) fn group(c: &Console, mut req: Req, name: &str) -> PageResult {
    let me = req.signed_in()?;
    let ops = c.ops(&me, &req);
    let (group, members) = ops.get_group(name, None, 1000)?;
    let body = html! {
        section.panel aria-labelledby="summary" {
            h2 #summary { "Summary" }
            dl.facts {
                dt { "Name" } dd { (group.name) }
                dt { "ARN" } dd.mono { (group.arn()) }
                dt { "Created" } dd { (page::when(group.created)) }
            }
        }
        section.panel aria-labelledby="members" {
            h2 #members { "Users in this group" }
            @if members.items.is_empty() { p { "None." } }
            ul { @for u in &members.items { li { a href=(format!("/console/users/{}", enc(&u.name))) { (u.name) } } } }
        }
        (policies_markup(&ops, Named::Group(&group.name)))
    };
    Ok(page::ok(page::signed_in(
        &me,
        &format!("Group {}", group.name),
        Nav::Groups,
        body,
    )))
}

/// GET /console/roles
pub(crate) fn roles(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    let page = c.ops(&me, &req).list_roles(Ok(first_page(&req)))?;
    let body = html! {
        section.panel aria-labelledby="list" {
            h2 #list { "Roles" }
            @if page.items.is_empty() { p { "No roles." } } @else {
                table.wide {
                    thead { tr { th scope="col" { "Role name" } th scope="col" { "Path" } th scope="col" { "Last used" } } }
                    tbody { @for r in &page.items { tr {
                        td data-label="Role name" { a href=(format!("/console/roles/{}", enc(&r.name))) { (r.name) } }
                        td.mono data-label="Path" { (r.path) }
                        td data-label="Last used" { @match &r.last_used { Some((t, region)) => { (page::when(*t)) " (" (region) ")" }, None => "never" } }
                    } } }
                }
            }
            @if let Some(next) = &page.next { p { a href=(format!("/console/roles?marker={}", enc(next))) rel="next" { "Next page" } } }
        }
    };
    Ok(page::ok(page::signed_in(&me, "Roles", Nav::Roles, body)))
}

/// GET /console/roles/NAME
pub(crate) fn role(c: &Console, mut req: Req, name: &str) -> PageResult {
    let me = req.signed_in()?;
    let ops = c.ops(&me, &req);
    let role = ops.role(name)?;
    let body = html! {
        section.panel aria-labelledby="summary" {
            h2 #summary { "Summary" }
            dl.facts {
                dt { "Name" } dd { (role.name) }
                dt { "ARN" } dd.mono { (role.arn()) }
                dt { "Created" } dd { (page::when(role.created)) }
                dt { "Maximum session" } dd { (role.max_session_duration / 3600) " h" }
                @if let Some(d) = &role.description { dt { "Description" } dd { (d) } }
                dt { "Last used" } dd { @match &role.last_used { Some((t, region)) => { (page::when(*t)) " (" (region) ")" }, None => "never" } }
            }
        }
        (super::principal::panel(c, &ops, &role.to_arn()))
        section.panel aria-labelledby="trust" {
            h2 #trust { "Trust policy" }
            pre.mono { (role.assume_role_policy) }
        }
        (policies_markup(&ops, Named::Role(&role.name)))
        (super::access::advisor(&ops, &role.to_arn()))
    };
    Ok(page::ok(page::signed_in(
        &me,
        &format!("Role {}", role.name),
        Nav::Roles,
        body,
    )))
}

/// GET /console/policies (`scope`: All, AWS, Local; `attached`: only those in use)
pub(crate) fn policies(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    let scope = match req.field("scope") {
        Some("AWS") => PolicyScope::Aws,
        Some("Local") => PolicyScope::Local,
        _ => PolicyScope::All,
    };
    let attached = req.field("attached") == Some("true");
    let page = c.ops(&me, &req).list_policies(Ok(PolicyListArgs {
        scope,
        only_attached: attached,
        path_prefix: None,
        marker: req.field("marker").map(str::to_owned),
        max: 100,
    }))?;
    let body = html! {
        section.panel aria-labelledby="list" {
            h2 #list { "Managed policies" }
            form.row method="get" action="/console/policies" {
                div {
                    label for="scope" { "Type" }
                    select #scope name="scope" {
                        option value="All" selected[scope == PolicyScope::All] { "All" }
                        option value="AWS" selected[scope == PolicyScope::Aws] { "AWS managed" }
                        option value="Local" selected[scope == PolicyScope::Local] { "Customer managed" }
                    }
                }
                label { input type="checkbox" name="attached" value="true" checked[attached]; " Only attached" }
                button type="submit" { "Filter" }
            }
            @if page.items.is_empty() { p { "No policies." } } @else {
                table.wide {
                    thead { tr { th scope="col" { "Policy name" } th scope="col" { "Type" } th scope="col" { "Attached to" } } }
                    tbody { @for p in &page.items { tr {
                        td data-label="Policy name" { (policy_link(&p.name, &p.arn)) }
                        td data-label="Type" { @if p.aws_managed { "AWS managed" } @else { "Customer managed" } }
                        td data-label="Attached to" { (p.attachment_count) }
                    } } }
                }
            }
        }
    };
    Ok(page::ok(page::signed_in(
        &me,
        "Policies",
        Nav::Policies,
        body,
    )))
}

/// GET /console/policies/view?arn=ARN
pub(crate) fn policy(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    let arn = req.field("arn").unwrap_or("");
    let PolicyView {
        policy: p,
        version,
        entities,
    } = c.ops(&me, &req).policy_view(arn)?;
    let body = html! {
        section.panel aria-labelledby="summary" {
            h2 #summary { "Summary" }
            dl.facts {
                dt { "ARN" } dd.mono { (p.arn) }
                dt { "Type" } dd { @if p.aws_managed { "AWS managed" } @else { "Customer managed" } }
                @if let Some(d) = &p.description { dt { "Description" } dd { (d) } }
                dt { "Default version" } dd { (p.default_version_id) }
            }
        }
        section.panel aria-labelledby="entities" {
            h2 #entities { "Attached to" }
            @if entities.users.is_empty() && entities.groups.is_empty() && entities.roles.is_empty() { p { "Nothing." } }
            ul {
                @for u in &entities.users { li { "User " a href=(format!("/console/users/{}", enc(&u.name))) { (u.name) } } }
                @for g in &entities.groups { li { "Group " a href=(format!("/console/groups/{}", enc(&g.name))) { (g.name) } } }
                @for r in &entities.roles { li { "Role " a href=(format!("/console/roles/{}", enc(&r.name))) { (r.name) } } }
            }
        }
        section.panel aria-labelledby="document" {
            h2 #document { "Policy document (" (version.version_id) ")" }
            pre.mono { (version.document) }
        }
    };
    Ok(page::ok(page::signed_in(
        &me,
        &format!("Policy {}", p.name),
        Nav::Policies,
        body,
    )))
}

/// The groups and attached policies sections of a user's page.
pub(crate) fn user_sections(ops: &Ops<'_>, user: &str) -> Markup {
    html! {
        section.panel aria-labelledby="groups" {
            h2 #groups { "Groups" }
            @match ops.list_groups_for_user(user, None, 100) {
                Ok(page) if page.items.is_empty() => p { "Not in any group." },
                Ok(page) => ul { @for g in &page.items { li { a href=(format!("/console/groups/{}", enc(&g.name))) { (g.name) } } } },
                Err(OpError::Denied { action, .. }) => (needs(action)),
                Err(e) => (failed(e)),
            }
        }
        section.panel aria-labelledby="user-attached" {
            h2 #user-attached { "Attached managed policies" }
            @match ops.list_attached_policies(Named::User(user), None) {
                Ok(list) if list.is_empty() => p { "None." },
                Ok(list) => ul { @for (name, parn) in &list { li { (policy_link(name, parn)) } } },
                Err(OpError::Denied { action, .. }) => (needs(action)),
                Err(e) => (failed(e)),
            }
        }
    }
}
