"""What the end-to-end scenarios share: an environment isolated from the machine's AWS
configuration, the checks and their "N passed, M failed" line, `credreport serve` on a
free loopback port with a fresh data directory, and RFC 6238 codes.

Import it before boto3 or botocore: it isolates them when imported.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback

# Isolate botocore from the machine's AWS configuration before importing it.
for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_CA_BUNDLE",
            "CREDREPORT_MASTER_KEY"):
    os.environ.pop(var, None)
os.environ.update({
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
})

from botocore.exceptions import ClientError  # noqa: E402


class Fatal(Exception):
    """A step the rest of the scenario depends on failed."""


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print(f"ok   - {name}", flush=True)

    def fail(self, name, detail=""):
        self.failed += 1
        print(f"FAIL - {name}", file=sys.stderr, flush=True)
        for line in str(detail).splitlines():
            print(f"       {line}", file=sys.stderr, flush=True)

    def eq(self, name, actual, expected):
        if actual == expected:
            self.ok(name)
        else:
            self.fail(name, f"expected: {expected!r}\nactual:   {actual!r}")
        return actual == expected

    def true(self, name, cond, detail=""):
        if cond:
            self.ok(name)
        else:
            self.fail(name, detail)
        return bool(cond)

    def must(self, name, fn, *args, **kwargs):
        """A setup step: it must succeed, or the scenario stops."""
        try:
            result = fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - any failure of a setup step is fatal
            self.fail(name, f"{type(e).__name__}: {e}")
            raise Fatal(name) from e
        self.ok(name)
        return result

    def raises(self, name, code, fn, *args, status=None, exception=None, contains=(), **kwargs):
        """fn(...) must raise ClientError with `code` (and the modeled class, status, text)."""
        try:
            fn(*args, **kwargs)
        except ClientError as e:
            err = e.response.get("Error", {})
            problems = []
            if err.get("Code") != code:
                problems.append(f"code {err.get('Code')!r}, expected {code!r}")
            got_status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status is not None and got_status != status:
                problems.append(f"HTTP status {got_status}, expected {status}")
            if exception is not None and not isinstance(e, exception):
                problems.append(f"exception class {type(e).__name__}, expected {exception.__name__}")
            message = err.get("Message") or ""
            for needle in contains:
                if needle not in message:
                    problems.append(f"message lacks {needle!r}")
            if problems:
                self.fail(name, "\n".join(problems) + f"\nerror: {err}")
            else:
                self.ok(f"{name} ({code})")
            return e
        except Exception as e:  # noqa: BLE001
            self.fail(name, f"expected ClientError {code}, got {type(e).__name__}: {e}")
            return None
        self.fail(name, f"expected ClientError {code}, the call succeeded")
        return None


def make_tls(directory):
    """A CA and a server certificate for 127.0.0.1 signed by it, made fresh (with the
    `cryptography` package); answers the paths of the CA bundle, the certificate and the key."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "credreport e2e CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = [os.path.join(directory, n) for n in ("ca.pem", "server.pem", "server.key")]
    with open(paths[0], "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths[1], "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths[2], "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return paths


class Server:
    """`credreport serve` on a free loopback port with a fresh data directory, with `args`
    besides; over HTTPS with a CA made for the run when E2E_TLS=1 (clients then trust it
    through AWS_CA_BUNDLE). With `--metrics-listen`, `metrics_url` is where it serves them."""

    def __init__(self, binary, args=()):
        self.binary = binary
        self.args = list(args)
        self.metrics_url = None
        self.tmp = tempfile.mkdtemp(prefix="credreport-e2e-")
        self.data = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "server.log")
        self.proc = None
        self.endpoint = None
        self.creds = None

    def start(self):
        env = dict(os.environ, CREDREPORT_LOG="info", NO_COLOR="1")
        args = [self.binary, "serve", "--data-dir", self.data, "--listen", "127.0.0.1:0", *self.args]
        scheme = "http"
        if os.environ.get("E2E_TLS") == "1":
            ca, cert, key = make_tls(self.tmp)
            args += ["--tls-cert", cert, "--tls-key", key]
            os.environ["AWS_CA_BUNDLE"] = ca
            scheme = "https"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 30
        pattern = re.compile(r"listening on " + scheme + r"://127\.0\.0\.1:(\d+)")
        while time.monotonic() < deadline:
            m = pattern.search(self.log())
            if m:
                self.endpoint = f"{scheme}://127.0.0.1:{m.group(1)}"
                break
            if self.proc.poll() is not None:
                raise Fatal(f"the server exited ({self.proc.returncode}) before listening:\n{self.log()}")
            time.sleep(0.1)
        else:
            raise Fatal("the server did not log its listening address within 30 s")
        # Bound and logged before the API's listener is.
        m = re.search(r"metrics on (http://127\.0\.0\.1:\d+/metrics)", self.log())
        if m:
            self.metrics_url = m.group(1)
        with open(os.path.join(self.data, "root-credentials.json")) as f:
            self.creds = json.load(f)
        print(f"e2e: server pid {self.proc.pid} at {self.endpoint}, account {self.creds['AccountId']}", flush=True)

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, show_log=False):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                print("e2e: the server did not stop on SIGTERM within 5 s; killing it", file=sys.stderr)
                self.proc.kill()
                self.proc.wait()
        if show_log:
            tail = self.log().splitlines()[-30:]
            print("e2e: last lines of the server log:", file=sys.stderr)
            for line in tail:
                print(line, file=sys.stderr)
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- helpers ---------------------------------------------------------------------------------


def totp_code(seed_b32, counter):
    """The RFC 6238 code (SHA-1, 30 s, 6 digits) of a Base32 seed at a counter."""
    text = seed_b32.decode("ascii") if isinstance(seed_b32, bytes) else seed_b32
    text = text.strip()
    seed = base64.b32decode(text + "=" * (-len(text) % 8))
    h = hmac.new(seed, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = h[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def totp_counter(margin=4):
    """The current 30-second counter, waiting first when the next step is under `margin`
    seconds away (the server might already be there)."""
    now = time.time()
    if now % 30 > 30 - margin:
        time.sleep(30.2 - now % 30)
        now = time.time()
    return int(now // 30)


def totp_codes(seed_b32):
    """Two consecutive codes, as EnableMFADevice asks: counters n-1 and n."""
    n = totp_counter()
    return totp_code(seed_b32, n - 1), totp_code(seed_b32, n)


def ssh_keygen(directory, name, kind="rsa", bits=2048):
    """A key made now by OpenSSH's ssh-keygen in `directory` (its private half stays there,
    thrown away with it): the public key's line (`pub`), the same key as ssh-keygen writes
    it in PEM (`pem`, SubjectPublicKeyInfo) and its MD5 fingerprint (`md5`, hex with colons),
    the three as an independent implementation gives them."""
    path = os.path.join(directory, name)
    args = ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", f"{name}@e2e", "-f", path]
    if kind == "rsa":
        args[4:4] = ["-b", str(bits)]
    subprocess.run(args, check=True, stdin=subprocess.DEVNULL)
    with open(path + ".pub") as f:
        pub = f.read()
    pem = None
    if kind == "rsa":
        pem = subprocess.run(["ssh-keygen", "-e", "-m", "PKCS8", "-f", path + ".pub"], check=True,
                             capture_output=True, text=True).stdout
    listed = subprocess.run(["ssh-keygen", "-l", "-E", "md5", "-f", path + ".pub"], check=True,
                            capture_output=True, text=True).stdout
    md5 = listed.split()[1].removeprefix("MD5:")
    return {"pub": pub, "pem": pem, "md5": md5}


def binary_path():
    """The built `credreport`: CREDREPORT_BIN, else the cargo target directory's debug build."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.environ.get("CREDREPORT_BIN") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR") or os.path.join(root, "target"), "debug", "credreport")


def run(label, scenario, server_args=()):
    """Runs `scenario(checks, server)` against a fresh server (started with `server_args`
    besides the standard ones); prints the closing line and answers the exit status."""
    binary = binary_path()
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"e2e: FATAL: no credreport binary at {binary!r} (set CREDREPORT_BIN)", file=sys.stderr)
        print(f"{label}: 0 passed, 1 failed")
        return 1
    c = Checks()
    server = Server(binary, server_args)
    failed_hard = False
    try:
        server.start()
        scenario(c, server)
    except Fatal as e:
        failed_hard = True
        print(f"e2e: FATAL: {e}", file=sys.stderr)
    except Exception:  # noqa: BLE001 - a crash of the scenario is a failure, with its trace
        failed_hard = True
        traceback.print_exc()
    finally:
        server.stop(show_log=failed_hard or c.failed > 0)
    if failed_hard:
        c.failed += 1
    print(f"{label}: {c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1
