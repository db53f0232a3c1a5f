//! Groups, roles and managed policies in the console: lists and detail pages, each
//! authorized as the matching API reads are (ListGroups, GetGroup, ListRoles, GetRole,
//! ListPolicies, GetPolicy, …).

use credreport_iam::model::InlinePolicy;
use credreport_iam::{Named, PolicyScope};
use maud::{html, Markup};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::page::{self, Nav};
use super::session::ConsoleUser;
use super::{Console, PageResult, Req};

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn policy_link(name: &str, arn: &str) -> Markup {
    html! { a href=(format!("/console/policies/view?arn={}", enc(arn))) { (name) } }
}

/// A section listing inline policies with their documents, and one of attached policies.
fn policies_markup(c: &Console, me: &ConsoleUser, who: Named<'_>, arn: &str, kind: &str) -> Markup {
    let inline: Vec<InlinePolicy> = c
        .iam
        .list_inline_policies(me.account_id(), who)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| {
            c.iam
                .inline_policy(me.account_id(), who, n)
                .ok()
                .map(|(_, p)| p)
        })
        .collect();
    let list_inline = format!("iam:List{kind}Policies");
    let list_attached = format!("iam:ListAttached{kind}Policies");
    html! {
        section.panel aria-labelledby="attached" {
            h2 #attached { "Attached managed policies" }
            @if me.may(&c.iam, &list_attached, arn) {
                @match c.iam.list_attached_policies(me.account_id(), who, None) {
                    Ok(list) if list.is_empty() => p { "None." },
                    Ok(list) => ul { @for (name, parn) in &list { li { (policy_link(name, parn)) } } },
                    Err(e) => p.notice.error { (e.to_string()) },
                }
            } @else {
                p.muted { "You need permission for " code { (list_attached) } " to see this." }
            }
        }
        section.panel aria-labelledby="inline" {
            h2 #inline { "Inline policies" }
            @if me.may(&c.iam, &list_inline, arn) {
                @if inline.is_empty() { p { "None." } }
                @for p in &inline {
                    details { summary { (p.name) } pre.mono { (p.document) } }
                }
            } @else {
                p.muted { "You need permission for " code { (list_inline) } " to see this." }
            }
        }
    }
}

/// GET /console/groups
pub(crate) fn groups(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    me.authorize(
        &c.iam,
        "iam:ListGroups",
        &format!("arn:aws:iam::{}:group/", me.account_id()),
    )?;
    let page = c
        .iam
        .list_groups(me.account_id(), None, req.field("marker"), 100)?;
    let body = html! {
        section.panel aria-labelledby="list" {
            h2 #list { "Groups" }
            @if page.items.is_empty() { p { "No groups." } } @else {
                table.wide {
                    thead { tr { th scope="col" { "Group name" } th scope="col" { "Path" } th scope="col" { "Created" } } }
                    tbody { @for g in &page.items { tr {
                        td { a href=(format!("/console/groups/{}", enc(&g.name))) { (g.name) } }
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
    let arn = c.iam.group_named(me.account_id(), name).map_or_else(
        |_| format!("arn:aws:iam::{}:group/{name}", me.account_id()),
        |g| g.arn(),
    );
    me.authorize(&c.iam, "iam:GetGroup", &arn)?;
    let (group, members) = c.iam.group(me.account_id(), name, None, 1000)?;
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
        (policies_markup(c, &me, Named::Group(&group.name), &arn, "Group"))
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
    me.authorize(
        &c.iam,
        "iam:ListRoles",
        &format!("arn:aws:iam::{}:role/", me.account_id()),
    )?;
    let page = c
        .iam
        .list_roles(me.account_id(), None, req.field("marker"), 100)?;
    let body = html! {
        section.panel aria-labelledby="list" {
            h2 #list { "Roles" }
            @if page.items.is_empty() { p { "No roles." } } @else {
                table.wide {
                    thead { tr { th scope="col" { "Role name" } th scope="col" { "Path" } th scope="col" { "Last used" } } }
                    tbody { @for r in &page.items { tr {
                        td { a href=(format!("/console/roles/{}", enc(&r.name))) { (r.name) } }
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
    let arn = c.iam.role(me.account_id(), name).map_or_else(
        |_| format!("arn:aws:iam::{}:role/{name}", me.account_id()),
        |r| r.arn(),
    );
    me.authorize(&c.iam, "iam:GetRole", &arn)?;
    let role = c.iam.role(me.account_id(), name)?;
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
        section.panel aria-labelledby="trust" {
            h2 #trust { "Trust policy" }
            pre.mono { (role.assume_role_policy) }
        }
        (policies_markup(c, &me, Named::Role(&role.name), &arn, "Role"))
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
    me.authorize(
        &c.iam,
        "iam:ListPolicies",
        &format!("arn:aws:iam::{}:policy/", me.account_id()),
    )?;
    let scope = match req.field("scope") {
        Some("AWS") => PolicyScope::Aws,
        Some("Local") => PolicyScope::Local,
        _ => PolicyScope::All,
    };
    let attached = req.field("attached") == Some("true");
    let page = c.iam.list_policies(
        me.account_id(),
        scope,
        attached,
        None,
        req.field("marker"),
        100,
    )?;
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
                        td { (policy_link(&p.name, &p.arn)) }
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
    let arn = req.field("arn").unwrap_or("").to_owned();
    me.authorize(&c.iam, "iam:GetPolicy", &arn)?;
    let p = c.iam.get_policy(me.account_id(), &arn)?;
    let version = c
        .iam
        .get_policy_version(me.account_id(), &arn, &p.default_version_id)?;
    let entities = c
        .iam
        .list_entities_for_policy(me.account_id(), &arn, None, None)?;
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
pub(crate) fn user_sections(c: &Console, me: &ConsoleUser, user: &str, arn: &str) -> Markup {
    html! {
        section.panel aria-labelledby="groups" {
            h2 #groups { "Groups" }
            @if me.may(&c.iam, "iam:ListGroupsForUser", arn) {
                @match c.iam.list_groups_for_user(me.account_id(), user, None, 100) {
                    Ok(page) if page.items.is_empty() => p { "Not in any group." },
                    Ok(page) => ul { @for g in &page.items { li { a href=(format!("/console/groups/{}", enc(&g.name))) { (g.name) } } } },
                    Err(e) => p.notice.error { (e.to_string()) },
                }
            } @else {
                p.muted { "You need permission for " code { "iam:ListGroupsForUser" } " to see this." }
            }
        }
        section.panel aria-labelledby="user-attached" {
            h2 #user-attached { "Attached managed policies" }
            @if me.may(&c.iam, "iam:ListAttachedUserPolicies", arn) {
                @match c.iam.list_attached_policies(me.account_id(), Named::User(user), None) {
                    Ok(list) if list.is_empty() => p { "None." },
                    Ok(list) => ul { @for (name, parn) in &list { li { (policy_link(name, parn)) } } },
                    Err(e) => p.notice.error { (e.to_string()) },
                }
            } @else {
                p.muted { "You need permission for " code { "iam:ListAttachedUserPolicies" } " to see this." }
            }
        }
    }
}
