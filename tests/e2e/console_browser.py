#!/usr/bin/env python3
"""The console in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright), against `credreport serve` (issue 13).

The story: root signs in, sets a password policy, creates a user whose password must be
reset, gives it a policy to manage its own MFA, signs out; the user signs in, is made to
change the password (a too-short one is refused with the policy's message), assigns a
virtual MFA device from the shown secret with two TOTP codes, is refused the credential
report (access denied naming the action), signs out, and signs in again with MFA; root
downloads the report from the page, and the file equals `aws iam get-credential-report`'s
bytes and shows the user's password_last_used and mfa_active and root's
password_last_used. A form posted without its CSRF token is refused; a user whose name
and path look like markup is shown literally (no script runs); the pages fit 360 px.
The report page's findings carry privilege and are sorted by severity then privilege; the
user's page shows its privilege and open findings; at 360 px every stacked table cell keeps
its label and the charts' labels stay 10 px or larger (issue 24).
A screenshot of each page is saved under $E2E_OUT (default: the cargo target
directory's e2e/console).

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/console_browser.py
Needs: playwright (pip), chromium, the AWS CLI. Ends with "console: N passed, M failed".
"""

import base64
import csv
import io
import json
import os
import re
import subprocess

from harness import Fatal, run, totp_code, totp_counter

from playwright.sync_api import sync_playwright  # noqa: E402

LABEL = "console"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT_PASSWORD = "Root-Console-Pass-2026"
FIRST_PASSWORD = "Temporary-Pass-1"
NEW_PASSWORD = "Dana-Chosen-Passw0rd!"
USER = "dana"


def out_dir():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "target")
    path = os.environ.get("E2E_OUT") or os.path.join(target, "e2e", "console")
    os.makedirs(path, exist_ok=True)
    return path


class Console:
    """One browser context (its own cookies) on the console."""

    def __init__(self, browser, endpoint, shots, width=1280):
        self.ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(5000)
        self.endpoint = endpoint
        self.shots = shots
        self.dialogs = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def go(self, path):
        return self.page.goto(self.endpoint + path)

    def shot(self, name):
        self.page.screenshot(path=os.path.join(self.shots, name + ".png"), full_page=True)

    def sign_in(self, account, password, user=None):
        self.go("/console/signin")
        self.page.check("input[name=signin_as][value=%s]" % ("iam" if user else "root"))
        self.page.fill("#account", account)
        if user:
            self.page.fill("#username", user)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")

    def sign_out(self):
        self.page.click("header form button")

    def notice(self):
        return self.page.inner_text("main")

    def close(self):
        self.ctx.close()


def scenario(c, server):
    account = server.creds["AccountId"]
    shots = out_dir()
    proc = subprocess.run(
        [server.binary, "account", "set-root-password", "--data-dir", server.data,
         "--account-id", account, "--password-file", "-"],
        input=ROOT_PASSWORD + "\n", text=True, capture_output=True)
    if proc.returncode != 0:
        raise Fatal("set-root-password: " + proc.stderr)
    c.ok("credreport account set-root-password")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            story(c, server, browser, account, shots)
        finally:
            browser.close()


def story(c, server, browser, account, shots):
    root = Console(browser, server.endpoint, shots)
    root.go("/console/")
    c.eq("GET /console/ without a session lands on sign-in", root.page.url, server.endpoint + "/console/signin")
    root.shot("01-signin")
    root.sign_in(account, "wrong-password")
    c.true("a wrong root password is refused", "Your authentication information is incorrect" in root.notice())
    root.sign_in(account, ROOT_PASSWORD)
    c.true("root signs in", "You are signed in as root" in root.notice(), root.notice())
    root.shot("02-dashboard")

    # Account settings: a policy that lets users change their password, 14 characters.
    root.go("/console/account-settings")
    root.page.fill("#minimum_password_length", "14")
    root.page.check("input[name=allow_users_to_change_password]")
    root.page.click("form[action='/console/account-settings/update'] button")
    c.true("root sets the password policy", "Minimum length: 14" in root.notice(), root.notice())
    root.shot("03-account-settings")

    # Users: create dana with a password that must be reset.
    root.go("/console/users")
    root.page.fill("#user_name", USER)
    root.page.check("input[name=console_access]")
    root.page.fill("#new_user_password", FIRST_PASSWORD + "-long")
    root.page.check("input[name=require_reset]")
    root.page.click("#create-user button")
    if root.page.locator("#subject-name").count() == 0:
        root.shot("04-user-failed")
        raise Fatal("creating the user: " + root.notice())
    c.eq("the new user's page", root.page.inner_text("#subject-name"), USER)
    c.true("its password must be reset", "must be set at the next sign-in" in root.page.inner_text("#password-state"))
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices",
                   "iam:GetLoginProfile", "iam:ListAccessKeys"],
        "Resource": [f"arn:aws:iam::{account}:user/{USER}", f"arn:aws:iam::{account}:mfa/*"]}]})
    root.page.fill("#policy_name", "ManageOwnMFA")
    root.page.fill("#policy_document", policy)
    root.page.click("form[action$='/policy-put'] button")
    c.true("root puts an inline policy", "Policy ManageOwnMFA was saved." in root.notice(), root.notice())
    root.shot("04-user")

    # A user whose name and path look like markup is shown literally.
    root.go("/console/users")
    root.page.fill("#user_name", "ops,admin")
    root.page.fill("#path", "/<script>alert(1)</script>/")
    root.page.click("#create-user button")
    root.go("/console/users")
    text = root.page.inner_text("main")
    c.true("a script-like path is shown as text", "/<script>alert(1)</script>/" in text and "ops,admin" in text, text)
    c.eq("no script ran", root.dialogs, [])
    root.shot("05-users")

    # CSRF: the same form without its token is refused.
    resp = root.ctx.request.post(server.endpoint + "/console/users", form={"user_name": "mallory"})
    c.eq("a form posted without its CSRF token is refused", resp.status, 403)
    root.go("/console/users?search=mallory")
    c.true("and created nothing", "No users." in root.notice())
    root.sign_out()
    c.eq("sign-out ends at sign-in", root.page.url, server.endpoint + "/console/signin")

    # dana: forced password change, then MFA.
    dana = Console(browser, server.endpoint, shots)
    dana.sign_in(account, FIRST_PASSWORD + "-long", user=USER)
    c.eq("a reset password leads to the change page", dana.page.url, server.endpoint + "/console/change-password")
    dana.shot("06-change-password")
    dana.page.fill("#password", FIRST_PASSWORD + "-long")
    dana.page.fill("#new_password", "Short-1")
    dana.page.fill("#confirm_password", "Short-1")
    dana.page.click("main form button[type=submit]")
    c.true("a too-short password is refused with the policy's message",
           "Password should have a minimum length of 14" in dana.notice(), dana.notice())
    dana.shot("07-change-password-refused")
    dana.page.fill("#password", FIRST_PASSWORD + "-long")
    dana.page.fill("#new_password", NEW_PASSWORD)
    dana.page.fill("#confirm_password", NEW_PASSWORD)
    dana.page.click("main form button[type=submit]")
    c.true("the new password is accepted", "Your password was changed." in dana.notice(), dana.notice())

    dana.go("/console/my-credentials")
    dana.page.fill("#device_name", "dana-phone")
    dana.page.click("form[action$='/mfa-create'] button")
    if dana.page.locator("#mfa-secret").count() == 0:
        raise Fatal("creating the MFA device: " + dana.notice())
    dana.page.click("details:has(#mfa-secret) summary")
    seed = dana.page.inner_text("#mfa-secret").strip()
    qr = dana.page.get_attribute("#mfa-qr", "src") or ""
    c.true("the QR code is an inline PNG", qr.startswith("data:image/png;base64,") and
           base64.b64decode(qr.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n")
    dana.shot("08-assign-mfa")
    n = totp_counter(margin=8)
    dana.page.fill("#code1", totp_code(seed, n - 1))
    dana.page.fill("#code2", totp_code(seed, n))
    dana.page.click("form[action$='/mfa-enable'] button")
    c.true("the MFA device is assigned", "The MFA device was assigned." in dana.notice(), dana.notice())
    dana.shot("09-my-credentials")

    dana.go("/console/credential-report")
    text = dana.notice()
    c.true("without permission: access denied naming the action",
           "Access denied" in text and "iam:GetCredentialReport" in text, text)
    dana.shot("10-access-denied")
    dana.go("/console/")
    dana.sign_out()

    dana.sign_in(account, NEW_PASSWORD, user=USER)
    c.eq("with MFA, a second step", dana.page.url, server.endpoint + "/console/mfa")
    dana.shot("11-mfa")
    # The enable step accepted counter n: the next code is n + 1 (inside the drift window).
    dana.page.fill("#mfa_code", totp_code(seed, n))
    dana.page.click("main form button[type=submit]")
    c.true("the device's accepted code cannot be replayed", "incorrect" in dana.notice(), dana.notice())
    dana.page.fill("#mfa_code", totp_code(seed, n + 1))
    dana.page.click("main form button[type=submit]")
    c.true("dana signs in with MFA", "You are signed in as dana" in dana.notice(), dana.notice())
    dana.close()

    # Root downloads the report from the page.
    root.sign_in(account, ROOT_PASSWORD)
    root.go("/console/credential-report")
    root.shot("12-credential-report-empty")
    with root.page.expect_download() as info:
        root.page.click("#download")
    download = info.value
    path = os.path.join(shots, download.suggested_filename)
    download.save_as(path)
    with open(path, "rb") as f:
        downloaded = f.read()
    c.true("the file is named for the account", download.suggested_filename.startswith(f"credential-report-{account}-"))
    got = subprocess.run(
        ["aws", "iam", "get-credential-report", "--endpoint-url", server.endpoint,
         "--output", "json"],
        env=dict(os.environ, AWS_ACCESS_KEY_ID=server.creds["AccessKeyId"],
                 AWS_SECRET_ACCESS_KEY=server.creds["SecretAccessKey"], AWS_DEFAULT_REGION="us-east-1"),
        capture_output=True, text=True)
    if got.returncode != 0:
        raise Fatal("aws iam get-credential-report: " + got.stderr)
    cli_bytes = base64.b64decode(json.loads(got.stdout)["Content"])
    c.eq("the downloaded file equals aws iam get-credential-report's bytes", downloaded, cli_bytes)
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO(downloaded.decode()))}
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
    c.true("dana's password_last_used is recorded", bool(stamp.match(rows[USER]["password_last_used"])), rows[USER])
    c.eq("dana's mfa_active", rows[USER]["mfa_active"], "true")
    c.true("root's password_last_used is recorded",
           bool(stamp.match(rows["<root_account>"]["password_last_used"])), rows["<root_account>"])
    root.go("/console/credential-report")
    text = root.notice()
    c.true("the page shows the findings with their counts", "Findings" in text and "critical" in text, text[:400])
    c.true("and charts as inline SVG", root.page.locator("#charts ~ .charts svg").count() >= 2)
    root.shot("13-credential-report")
    # Issue 24: the findings carry their principal's privilege and are sorted by severity,
    # then privilege (administrators first, those with nothing last).
    c.eq("the findings table has a Privilege column",
         root.page.locator("#report-findings thead th", has_text="Privilege").count(), 1)
    ranks = root.page.evaluate("""() => [...document.querySelectorAll('#report-findings tbody tr')].map(tr => {
        const sev = ['critical', 'high', 'medium', 'low', 'info'].indexOf(tr.querySelector('.sev').textContent.trim());
        const priv = ['admin', 'write', 'read', 'unknown', 'none'].indexOf(tr.querySelector('.priv').textContent.trim());
        return [sev, priv];
    })""")
    c.true("every finding has a known severity and privilege",
           len(ranks) > 0 and all(s >= 0 and p >= 0 for s, p in ranks), ranks)
    c.eq("findings are sorted by severity, then privilege", ranks, sorted(ranks))
    root.go(f"/console/users/{USER}")
    cls = root.page.inner_text("#privilege-class").strip()
    c.true(f"{USER}'s page shows its privilege ({cls})", cls in ("admin", "write", "read", "none"), cls)
    c.true("and why", len(root.page.inner_text("#privilege-reason").strip()) > 0)
    c.true("and its open findings", root.page.locator("#principal-findings, #no-findings").count() == 1)
    root.shot("13b-user-privilege")
    root.go("/console/credential-report?severity=high")
    root.shot("14-credential-report-filtered")

    # 360 px: nothing wider than the screen.
    narrow = Console(browser, server.endpoint, shots, width=360)
    narrow.sign_in(account, ROOT_PASSWORD)
    for path, name in [("/console/users", "15-users-360px"), ("/console/credential-report", "16-report-360px"),
                       (f"/console/users/{USER}", "17-user-360px")]:
        narrow.go(path)
        width = narrow.page.evaluate("document.documentElement.scrollWidth")
        c.true(f"{path} fits 360 px (scroll width {width})", width <= 360)
        unlabelled = narrow.page.evaluate("document.querySelectorAll('table.wide td:not([data-label])').length")
        c.eq(f"{path}: every stacked cell keeps its label", unlabelled, 0)
        narrow.shot(name)
    # The charts at 360 px: each label drawn at 10 px or more (a chart scrolls inside its
    # frame rather than shrinking its text).
    narrow.go("/console/credential-report")
    sizes = narrow.page.evaluate("""() => [...document.querySelectorAll('.charts svg text')].map(
        t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
    c.true(f"the charts' labels are readable at 360 px (smallest {min(sizes or [0]):.1f} px)",
           len(sizes) > 0 and min(sizes) >= 10, sizes[:5])
    narrow.go(f"/console/users/{USER}")
    c.true("the privilege panel shows at 360 px", narrow.page.locator("#privilege-class").is_visible())
    narrow.close()
    root.close()
    print(f"e2e: screenshots in {shots}", flush=True)


if __name__ == "__main__":
    raise SystemExit(run(LABEL, scenario))
