//! A user's Security credentials (`/console/users/NAME`) and the signed-in owner's own
//! (`/console/my-credentials`): console password, access keys, MFA, signing certificates
//! and inline policies, each section and each action authorized as the matching API
//! action is (a section the policies do not allow says which action it needs).

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use credreport_iam::model::User;
use credreport_iam::secret::Secret;
use credreport_iam::{Arn, Named};
use maud::{html, Markup};

use super::page::{self, Nav, Notice};
use super::session::ConsoleUser;
use super::{Console, PageError, PageResult, Req};
use crate::error::AwsError;
use crate::ops::{Action, ConsolePassword, GetUser, OpError, OpResult, Ops};

/// Whose credentials a page shows.
pub(crate) enum Whose {
    /// An IAM user, by name.
    User(String),
    /// The signed-in owner (an IAM user or the root user).
    Me,
}

/// The owner a page is about.
struct Subject {
    /// `None` for the root user.
    user: Option<User>,
    /// The signed-in owner's own page.
    own: bool,
    /// The user the page's operations name: `None` for the signed-in owner's own page
    /// (the operations then act on the caller).
    named: Option<String>,
}

impl Subject {
    fn arn(&self, me: &ConsoleUser) -> Arn {
        match &self.user {
            Some(u) => u.to_arn(),
            None => Arn::root(me.account_id()),
        }
    }

    fn name(&self) -> &str {
        self.user.as_ref().map_or("root", |u| u.name.as_str())
    }

    /// The `UserName` of the page's operations.
    fn who(&self) -> Option<&str> {
        self.named.as_deref()
    }

    /// Where its forms post.
    fn base(&self) -> String {
        match (&self.user, self.own) {
            (_, true) | (None, _) => "/console/my-credentials".to_owned(),
            (Some(u), false) => format!("/console/users/{}", percent(&u.name)),
        }
    }
}

fn percent(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn subject(ops: &Ops<'_>, me: &ConsoleUser, whose: &Whose) -> Result<Subject, PageError> {
    Ok(match whose {
        Whose::Me => Subject {
            user: me.iam_user().cloned(),
            own: true,
            named: None,
        },
        Whose::User(name) => {
            let user = ops.user(name)?;
            let own = me.iam_user().is_some_and(|u| u.id == user.id);
            Subject {
                user: Some(user),
                own,
                named: Some(name.clone()),
            }
        }
    })
}

/// GET a credentials page.
pub(crate) fn page(c: &Console, mut req: Req, whose: Whose) -> PageResult {
    let me = req.signed_in()?;
    let ops = c.ops(&me, &req);
    let s = subject(&ops, &me, &whose)?;
    Ok(render(c, &ops, &me, &s, None, None, StatusCode::OK))
}

fn render(
    c: &Console,
    ops: &Ops<'_>,
    me: &ConsoleUser,
    s: &Subject,
    notice: Option<&Notice>,
    extra: Option<Markup>,
    status: StatusCode,
) -> Response {
    let title = if s.own {
        "My security credentials".to_owned()
    } else {
        format!("User {}", s.name())
    };
    let nav = if s.own {
        Nav::MyCredentials
    } else {
        Nav::Users
    };
    let body = html! {
        (page::notice(notice))
        @if let Some(extra) = extra { (extra) }
        (summary(me, s))
        @if let Some(u) = &s.user {
            (super::principal::panel(c, ops, &u.to_arn()))
        }
        (password_section(ops, me, s))
        (keys_section(ops, me, s))
        (mfa_section(ops, me, s))
        (certs_section(ops, me, s))
        @if let Some(u) = &s.user {
            (super::identities::user_sections(ops, &u.name))
            (policies_section(ops, me, s))
            (super::access::advisor(ops, &u.to_arn()))
        }
    };
    page::html_response(status, page::signed_in(me, &title, nav, body))
}

fn summary(me: &ConsoleUser, s: &Subject) -> Markup {
    html! {
        section.panel aria-labelledby="summary" {
            h2 #summary { "Summary" }
            dl.facts {
                dt { "Name" } dd #subject-name { (s.name()) }
                dt { "ARN" } dd.mono { (s.arn(me)) }
                @if let Some(u) = &s.user {
                    dt { "Created" } dd { (page::when(u.created)) }
                    dt { "Console sign-in last used" }
                    dd { @match u.password_last_used { Some(t) => (page::when(t)), None => "never" } }
                }
            }
        }
    }
}

/// A section's body, or the action it needs when the policies do not allow it.
fn section<T>(result: OpResult<T>, body: impl FnOnce(T) -> Markup) -> Markup {
    match result {
        Ok(t) => body(t),
        Err(OpError::Denied { action, .. }) => needs(action),
        Err(e) => {
            let e = AwsError::from(e);
            html! { p.notice.error role="alert" { "This could not be read: " (e.message.unwrap_or_default()) } }
        }
    }
}

/// What a reader without the permission sees in place of a section.
pub(crate) fn needs(action: Action) -> Markup {
    html! { p.muted { "You need permission for " code { (action.policy_name()) } " to see this." } }
}

fn form_open(s: &Subject, action: &str) -> String {
    format!("{}/{action}", s.base())
}

fn password_section(ops: &Ops<'_>, me: &ConsoleUser, s: &Subject) -> Markup {
    html! {
        section.panel aria-labelledby="password" {
            h2 #password { "Console password" }
            @match &s.user {
                None => {
                    @match ops.get_user(None) {
                        Ok(GetUser::Root(a)) if a.root_password.is_some() => p { "The root user has a console password." },
                        _ => p { "The root user has no console password." },
                    }
                    a.button href="/console/change-password" { "Change password" }
                }
                Some(u) => (section(login_profile(ops, &u.name), |profile| html! {
                    @match &profile {
                        Some(p) => p #password-state {
                            "Enabled since " (page::when(p.created)) "."
                            @if p.reset_required { " A new password must be set at the next sign-in." }
                        },
                        None => p #password-state { "Console access is disabled: the user has no password." },
                    }
                    @if s.own {
                        a.button href="/console/change-password" { "Change password" }
                    }
                    form.stack method="post" action=(form_open(s, "password-set")) {
                        (page::csrf(me.csrf()))
                        label for="console-password" { @if profile.is_some() { "New password" } @else { "Password" } }
                        input #console-password type="password" name="password" autocomplete="new-password" required;
                        label { input type="checkbox" name="require_reset" value="true" checked[!s.own]; " User must create a new password at next sign-in" }
                        button type="submit" { @if profile.is_some() { "Reset password" } @else { "Enable console access" } }
                    }
                    @if profile.is_some() {
                        form.inline method="post" action=(form_open(s, "password-remove")) {
                            (page::csrf(me.csrf()))
                            button.danger type="submit" { "Disable console access" }
                        }
                    }
                }))
            }
        }
    }
}

/// The user's login profile, `None` when the user has no password.
fn login_profile(ops: &Ops<'_>, name: &str) -> OpResult<Option<credreport_iam::LoginProfile>> {
    match ops.get_login_profile(name) {
        Ok(p) => Ok(Some(p)),
        Err(OpError::Iam(credreport_iam::Error::NoSuchEntity(_))) => Ok(None),
        Err(e) => Err(e),
    }
}

fn keys_section(ops: &Ops<'_>, me: &ConsoleUser, s: &Subject) -> Markup {
    html! {
        section.panel aria-labelledby="keys" {
            h2 #keys { "Access keys" }
            (section(ops.list_access_keys(s.who()), |(_, keys)| html! {
                @if keys.is_empty() { p { "No access keys." } } @else {
                    table.wide {
                        thead { tr { th scope="col" { "Access key ID" } th scope="col" { "Status" } th scope="col" { "Created" } th scope="col" { "Last used" } th scope="col" { "Actions" } } }
                        tbody {
                            @for k in &keys {
                                tr {
                                    td.mono data-label="Access key ID" { (k.id) }
                                    td data-label="Status" { @if k.active { "Active" } @else { "Inactive" } }
                                    td data-label="Created" { (page::when(k.created)) }
                                    td data-label="Last used" { @match &k.last_used {
                                        Some(u) => { (page::when(u.at)) br; span.muted { (u.service) " in " (u.region) } },
                                        None => "never",
                                    } }
                                    td.actions data-label="Actions" { (status_actions(me, s, "key", "key_id", &k.id, k.active)) }
                                }
                            }
                        }
                    }
                }
                @if keys.len() < credreport_iam::ACCESS_KEYS_QUOTA {
                    form method="post" action=(form_open(s, "key-create")) {
                        (page::csrf(me.csrf()))
                        button type="submit" { "Create access key" }
                    }
                }
            }))
        }
    }
}

/// A credential's Make active / Make inactive and Delete buttons (`key-status`,
/// `key-delete`; `cert-status`, `cert-delete`).
fn status_actions(
    me: &ConsoleUser,
    s: &Subject,
    kind: &str,
    field: &str,
    id: &str,
    active: bool,
) -> Markup {
    html! {
        form.inline method="post" action=(form_open(s, &format!("{kind}-status"))) {
            (page::csrf(me.csrf()))
            input type="hidden" name=(field) value=(id);
            input type="hidden" name="status" value=(if active { "Inactive" } else { "Active" });
            button.secondary type="submit" { @if active { "Make inactive" } @else { "Make active" } }
        }
        form.inline method="post" action=(form_open(s, &format!("{kind}-delete"))) {
            (page::csrf(me.csrf()))
            input type="hidden" name=(field) value=(id);
            button.danger type="submit" aria-label=(format!("Delete {id}")) { "Delete" }
        }
    }
}

fn mfa_section(ops: &Ops<'_>, me: &ConsoleUser, s: &Subject) -> Markup {
    html! {
        section.panel aria-labelledby="mfa" {
            h2 #mfa { "Multi-factor authentication (MFA)" }
            (section(ops.list_mfa_devices(s.who()), |(_, devices)| html! {
                @if devices.is_empty() { p #mfa-state { "No MFA device assigned." } } @else {
                    table.wide {
                        thead { tr { th scope="col" { "Device" } th scope="col" { "Assigned" } th scope="col" { "Actions" } } }
                        tbody {
                            @for d in &devices {
                                tr {
                                    td.mono data-label="Device" { (d.serial) }
                                    td data-label="Assigned" { @if let Some((_, at)) = &d.assignment { (page::when(*at)) } }
                                    td data-label="Actions" {
                                        form.inline method="post" action=(form_open(s, "mfa-deactivate")) {
                                            (page::csrf(me.csrf()))
                                            input type="hidden" name="serial" value=(d.serial);
                                            button.danger type="submit" { "Remove" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.row method="post" action=(form_open(s, "mfa-create")) {
                    (page::csrf(me.csrf()))
                    div {
                        label for="device_name" { "Device name" }
                        input #device_name type="text" name="device_name" required value=(s.name());
                    }
                    button type="submit" { "Assign MFA device" }
                }
            }))
        }
    }
}

fn certs_section(ops: &Ops<'_>, me: &ConsoleUser, s: &Subject) -> Markup {
    html! {
        section.panel aria-labelledby="certs" {
            h2 #certs { "X.509 signing certificates" }
            (section(ops.list_signing_certificates(s.who()), |(_, certs)| html! {
                @if certs.is_empty() { p { "No signing certificates." } } @else {
                    table.wide {
                        thead { tr { th scope="col" { "Certificate ID" } th scope="col" { "Status" } th scope="col" { "Uploaded" } th scope="col" { "Actions" } } }
                        tbody {
                            @for cert in &certs {
                                tr {
                                    td.mono data-label="Certificate ID" { (cert.id) }
                                    td data-label="Status" { @if cert.active { "Active" } @else { "Inactive" } }
                                    td data-label="Uploaded" { (page::when(cert.uploaded)) }
                                    td.actions data-label="Actions" { (status_actions(me, s, "cert", "certificate_id", &cert.id, cert.active)) }
                                }
                            }
                        }
                    }
                }
                form.stack method="post" action=(form_open(s, "cert-upload")) {
                    (page::csrf(me.csrf()))
                    label for="certificate_body" { "Certificate body (PEM)" }
                    textarea #certificate_body name="certificate_body" required placeholder="-----BEGIN CERTIFICATE-----" {}
                    button type="submit" { "Upload certificate" }
                }
            }))
        }
    }
}

fn policies_section(ops: &Ops<'_>, me: &ConsoleUser, s: &Subject) -> Markup {
    let who = Named::User(s.name());
    html! {
        section.panel aria-labelledby="policies" {
            h2 #policies { "Inline policies" }
            (section(ops.list_inline_policies(who), |names| html! {
                @if names.is_empty() { p { "No inline policies." } }
                @for p in &names {
                    details {
                        summary { (p) }
                        @match ops.get_inline_policy(who, p) {
                            Ok((_, policy)) => pre.mono { (policy.document) },
                            Err(_) => p.muted { "You need permission for " code { (Action::GetUserPolicy.policy_name()) } " to see it." },
                        }
                        form.inline method="post" action=(form_open(s, "policy-delete")) {
                            (page::csrf(me.csrf()))
                            input type="hidden" name="policy_name" value=(p);
                            button.danger type="submit" { "Delete policy" }
                        }
                    }
                }
                form.stack method="post" action=(form_open(s, "policy-put")) {
                    (page::csrf(me.csrf()))
                    label for="policy_name" { "Policy name" }
                    input #policy_name type="text" name="policy_name" required;
                    label for="policy_document" { "Policy document (JSON)" }
                    textarea #policy_document name="policy_document" required {}
                    button type="submit" { "Save policy" }
                }
            }))
        }
    }
}

/// What an action shows after it ran: a notice, and for a new key or device what is
/// shown only once.
struct Done {
    notice: String,
    extra: Option<Markup>,
}

fn done(notice: impl Into<String>) -> Done {
    Done {
        notice: notice.into(),
        extra: None,
    }
}

/// POST an action on a credentials page.
pub(crate) fn act(c: &Console, mut req: Req, whose: Whose, action: &str) -> PageResult {
    let me = req.signed_in()?;
    let ops = c.ops(&me, &req);
    let s = subject(&ops, &me, &whose)?;
    match run(&ops, &me, &s, &req, action) {
        Ok(d) => {
            let notice = (!d.notice.is_empty()).then_some(Notice::Success(d.notice));
            Ok(render(
                c,
                &ops,
                &me,
                &s,
                notice.as_ref(),
                d.extra,
                StatusCode::OK,
            ))
        }
        Err(PageError::Aws(e)) if e.status < 500 && e.code != "AccessDenied" => {
            let notice = Notice::Error(e.message.unwrap_or_else(|| e.code.to_owned()));
            Ok(render(
                c,
                &ops,
                &me,
                &s,
                Some(&notice),
                None,
                StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
            ))
        }
        Err(e) => Err(e),
    }
}

fn field<'r>(req: &'r Req, name: &'static str) -> Result<&'r str, PageError> {
    req.field(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AwsError::validation(format!("The form's {name} field is required.")).into())
}

fn status_field(req: &Req) -> Result<bool, PageError> {
    match req.field("status") {
        Some("Active") => Ok(true),
        Some("Inactive") => Ok(false),
        _ => Err(AwsError::validation("The status must be Active or Inactive.").into()),
    }
}

fn run(
    ops: &Ops<'_>,
    me: &ConsoleUser,
    s: &Subject,
    req: &Req,
    action: &str,
) -> Result<Done, PageError> {
    let who = s.who();
    let user_only = || {
        s.user.as_ref().map(|u| u.name.clone()).ok_or_else(|| {
            PageError::from(AwsError::validation(
                "The root user's password is changed on the Change password page.",
            ))
        })
    };
    Ok(match action {
        "password-set" => {
            let name = user_only()?;
            let password = Secret::from_string(field(req, "password")?.to_owned());
            let reset = req.field("require_reset") == Some("true");
            match ops.set_console_password(&name, &password, reset)? {
                ConsolePassword::Reset => done("The password was reset."),
                ConsolePassword::Enabled => done("Console access was enabled."),
            }
        }
        "password-remove" => {
            let name = user_only()?;
            ops.delete_login_profile(&name)?;
            done("Console access was disabled.")
        }
        "key-create" => {
            let (_, new) = ops.create_access_key(who)?;
            let secret = new.secret.expose_str().unwrap_or_default();
            let csv = format!(
                "Access key ID,Secret access key\n{},{}\n",
                new.key.id, secret
            );
            let href = format!(
                "data:text/csv;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(csv)
            );
            let extra = html! {
                section.panel.secret aria-labelledby="new-key" {
                    h2 #new-key { "Access key created" }
                    p { "This is the only time the secret access key can be seen or downloaded. Keep it safe." }
                    dl.facts {
                        dt { "Access key ID" } dd.mono #new-key-id { (new.key.id) }
                        dt { "Secret access key" } dd.mono #new-key-secret { (secret) }
                    }
                    p { a.button href=(href) download=(format!("{}_accessKeys.csv", s.name())) { "Download .csv file" } }
                }
            };
            Done {
                notice: format!("Access key {} was created.", new.key.id),
                extra: Some(extra),
            }
        }
        "key-status" => {
            let (key, active) = (field(req, "key_id")?, status_field(req)?);
            ops.update_access_key(who, key, active)?;
            done(format!(
                "Access key {key} is now {}.",
                if active { "active" } else { "inactive" }
            ))
        }
        "key-delete" => {
            let key = field(req, "key_id")?;
            ops.delete_access_key(who, key)?;
            done(format!("Access key {key} was deleted."))
        }
        "mfa-create" => {
            let name = field(req, "device_name")?.trim();
            let new = ops.create_mfa_device_for(who, name)?;
            let seed = new.base32_seed.expose_str().unwrap_or_default();
            let qr = format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(&new.qr_png)
            );
            let extra = html! {
                section.panel.secret aria-labelledby="assign" {
                    h2 #assign { "Set up the virtual MFA device" }
                    ol {
                        li { "Open an authenticator app on your phone or computer." }
                        li {
                            "Scan this QR code with it, or type the secret key instead." br;
                            img #mfa-qr src=(qr) alt="QR code of the MFA device's secret" width="200" height="200";
                            details { summary { "Show secret key" } p.mono #mfa-secret { (seed) } }
                        }
                        li { "Enter two consecutive codes from the app." }
                    }
                    (enable_form(me, s, &new.device.serial))
                }
            };
            Done {
                notice: format!(
                    "MFA device {} was created; enter two codes to assign it.",
                    new.device.serial
                ),
                extra: Some(extra),
            }
        }
        "mfa-enable" => {
            let serial = field(req, "serial")?;
            let codes = (field(req, "code1")?.trim(), field(req, "code2")?.trim());
            match ops.enable_mfa_device(who, serial, codes) {
                Ok(()) => done("The MFA device was assigned."),
                Err(e @ OpError::Denied { .. }) => return Err(e.into()),
                Err(e) => {
                    // Show the codes form again: the device stays unassigned until they verify.
                    let e = AwsError::from(e);
                    Done {
                        notice: String::new(),
                        extra: Some(html! {
                            section.panel aria-labelledby="assign" {
                                h2 #assign { "Assign the MFA device" }
                                (page::notice(Some(&Notice::Error(e.message.unwrap_or_default()))))
                                (enable_form(me, s, serial))
                            }
                        }),
                    }
                }
            }
        }
        "mfa-deactivate" => {
            let serial = field(req, "serial")?;
            ops.remove_mfa_device(who, serial)?;
            done("The MFA device was removed.")
        }
        "cert-upload" => {
            let body = field(req, "certificate_body")?;
            let (_, cert) = ops.upload_signing_certificate(who, body)?;
            done(format!("Certificate {} was uploaded.", cert.id))
        }
        "cert-status" => {
            let (id, active) = (field(req, "certificate_id")?, status_field(req)?);
            ops.update_signing_certificate(who, id, active)?;
            done(format!(
                "Certificate {id} is now {}.",
                if active { "active" } else { "inactive" }
            ))
        }
        "cert-delete" => {
            let id = field(req, "certificate_id")?;
            ops.delete_signing_certificate(who, id)?;
            done(format!("Certificate {id} was deleted."))
        }
        "policy-put" => {
            let name = user_only()?;
            let policy = field(req, "policy_name")?;
            let document = field(req, "policy_document")?;
            ops.put_inline_policy(Named::User(&name), policy, document)?;
            done(format!("Policy {policy} was saved."))
        }
        "policy-delete" => {
            let name = user_only()?;
            let policy = field(req, "policy_name")?;
            ops.delete_inline_policy(Named::User(&name), policy)?;
            done(format!("Policy {policy} was deleted."))
        }
        _ => return Err(PageError::NotFound),
    })
}

fn enable_form(me: &ConsoleUser, s: &Subject, serial: &str) -> Markup {
    html! {
        form.stack method="post" action=(form_open(s, "mfa-enable")) {
            (page::csrf(me.csrf()))
            input type="hidden" name="serial" value=(serial);
            label for="code1" { "MFA code 1" }
            input #code1 type="text" name="code1" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="off";
            label for="code2" { "MFA code 2" }
            input #code2 type="text" name="code2" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="off";
            button type="submit" { "Add MFA" }
        }
    }
}
