#!/usr/bin/env bash
# The AWS CLI (v1) against `credreport serve`: groups, managed policies (customer and AWS
# managed) and their attachments, roles and STS AssumeRole, tags, account aliases and
# GetAccountAuthorizationDetails (issue 18), SSH public keys made by ssh-keygen (issue 27),
# with their error paths as the CLI reports them.
#
# Usage: CREDREPORT_BIN=target/debug/credreport bash tests/e2e/aws_cli_identities.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_LABEL=aws_cli_identities

command -v aws >/dev/null 2>&1 || e2e_fatal "aws is required"
e2e_start_server
O="$E2E_TMP/o"
mkdir -p "$O"
A="$E2E_ACCOUNT"
DOC='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*","Resource":"*"}]}'

spawn create-group iam create-group --group-name Ops --path /teams/
spawn create-user-alice iam create-user --user-name alice
spawn create-policy iam create-policy --policy-name ReadAll --policy-document "$DOC" --tags Key=team,Value=sec
reap
check "the group's ARN" "$(field "$O/create-group.json" 'd["Group"]["Arn"]')" "arn:aws:iam::$A:group/teams/Ops"
check "the policy's default version" "$(field "$O/create-policy.json" 'd["Policy"]["DefaultVersionId"]')" "v1"
ARN="arn:aws:iam::$A:policy/ReadAll"
ADMIN="arn:aws:iam::aws:policy/AdministratorAccess"

spawn add-user-to-group iam add-user-to-group --group-name Ops --user-name alice
spawn attach-group-policy iam attach-group-policy --group-name Ops --policy-arn "$ARN"
spawn attach-user-policy iam attach-user-policy --user-name alice --policy-arn "$ADMIN"
spawn tag-user iam tag-user --user-name alice --tags Key=env,Value=prod
spawn create-account-alias iam create-account-alias --account-alias acme-prod
reap

fails "create-group again" EntityAlreadyExists "Group with name ops already exists." -- iam create-group --group-name ops
fails "delete-group with a member" DeleteConflict -- iam delete-group --group-name Ops
fails "delete an attached policy" DeleteConflict -- iam delete-policy --policy-arn "$ARN"
fails "a malformed policy" MalformedPolicyDocument -- iam create-policy --policy-name Bad --policy-document '{"Statement":"x"}'
fails "attach an unknown policy" NoSuchEntity -- iam attach-user-policy --user-name alice --policy-arn "arn:aws:iam::$A:policy/Nope"
fails "get an unknown group" NoSuchEntity -- iam get-group --group-name Nope

must get-group iam get-group --group-name Ops
check "get-group: its members" "$(field "$O/get-group.json" '[u["UserName"] for u in d["Users"]]')" "['alice']"
must groups-for-user iam list-groups-for-user --user-name alice
check "list-groups-for-user" "$(field "$O/groups-for-user.json" '[g["GroupName"] for g in d["Groups"]]')" "['Ops']"
must attached iam list-attached-user-policies --user-name alice
check "list-attached-user-policies" "$(field "$O/attached.json" '[p["PolicyArn"] for p in d["AttachedPolicies"]]')" "['$ADMIN']"
must entities iam list-entities-for-policy --policy-arn "$ARN"
check "list-entities-for-policy" "$(field "$O/entities.json" '[g["GroupName"] for g in d["PolicyGroups"]]')" "['Ops']"
must aws-policies iam list-policies --scope AWS
check "list-policies --scope AWS has ReadOnlyAccess" "$(field "$O/aws-policies.json" '"ReadOnlyAccess" in [p["PolicyName"] for p in d["Policies"]]')" "True"
must admin-version iam get-policy-version --policy-arn "$ADMIN" --version-id "$(aws iam get-policy --policy-arn "$ADMIN" --endpoint-url "$E2E_ENDPOINT" --query Policy.DefaultVersionId --output text)"
check "AdministratorAccess's document" "$(field "$O/admin-version.json" 'd["PolicyVersion"]["Document"]["Statement"][0]["Action"]')" "*"
must tags iam list-user-tags --user-name alice
check "list-user-tags" "$(field "$O/tags.json" 'd["Tags"]')" "[{'Key': 'env', 'Value': 'prod'}]"
must aliases iam list-account-aliases
check "list-account-aliases" "$(field "$O/aliases.json" 'd["AccountAliases"]')" "['acme-prod']"
must details iam get-account-authorization-details
check "authorization details: alice's groups and policies" \
  "$(field "$O/details.json" '[(u["UserName"], u["GroupList"], [p["PolicyName"] for p in u["AttachedManagedPolicies"]]) for u in d["UserDetailList"]]')" \
  "[('alice', ['Ops'], ['AdministratorAccess'])]"
TRUST="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$A:user/alice\"},\"Action\":\"sts:AssumeRole\"}]}"
must create-role iam create-role --role-name Reader --assume-role-policy-document "$TRUST"
check "the role's ARN" "$(field "$O/create-role.json" 'd["Role"]["Arn"]')" "arn:aws:iam::$A:role/Reader"
fails "a trust policy with a Resource" MalformedPolicyDocument "Has prohibited field Resource" -- \
  iam create-role --role-name Bad --assume-role-policy-document '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}'
must attach-role-policy iam attach-role-policy --role-name Reader --policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess
must alice-key iam create-access-key --user-name alice
ALICE_ID="$(field "$O/alice-key.json" 'd["AccessKey"]["AccessKeyId"]')"
ALICE_SECRET="$(field "$O/alice-key.json" 'd["AccessKey"]["SecretAccessKey"]')"
AWS_ACCESS_KEY_ID="$ALICE_ID" AWS_SECRET_ACCESS_KEY="$ALICE_SECRET" \
  must assume sts assume-role --role-arn "arn:aws:iam::$A:role/Reader" --role-session-name cli
check "assume-role: the session's ARN" "$(field "$O/assume.json" 'd["AssumedRoleUser"]["Arn"]')" "arn:aws:sts::$A:assumed-role/Reader/cli"
S_ID="$(field "$O/assume.json" 'd["Credentials"]["AccessKeyId"]')"
S_SECRET="$(field "$O/assume.json" 'd["Credentials"]["SecretAccessKey"]')"
S_TOKEN="$(field "$O/assume.json" 'd["Credentials"]["SessionToken"]')"
AWS_ACCESS_KEY_ID="$S_ID" AWS_SECRET_ACCESS_KEY="$S_SECRET" AWS_SESSION_TOKEN="$S_TOKEN" \
  must session-identity sts get-caller-identity
check "get-caller-identity as the session" "$(field "$O/session-identity.json" 'd["Arn"]')" "arn:aws:sts::$A:assumed-role/Reader/cli"
AWS_ACCESS_KEY_ID="$S_ID" AWS_SECRET_ACCESS_KEY="$S_SECRET" AWS_SESSION_TOKEN="$S_TOKEN" \
  must session-list iam list-users
AWS_ACCESS_KEY_ID="$S_ID" AWS_SECRET_ACCESS_KEY="$S_SECRET" AWS_SESSION_TOKEN="$S_TOKEN" \
  fails "the session may not create users" AccessDenied -- iam create-user --user-name intruder

must summary iam get-account-summary
check "get-account-summary: groups, policies, roles" "$(field "$O/summary.json" '(d["SummaryMap"]["Groups"], d["SummaryMap"]["Policies"], d["SummaryMap"]["Roles"])')" "(1, 1, 1)"

# SSH public keys (issue 27): a key ssh-keygen makes now, uploaded as its .pub file, read
# back as ssh-keygen's own PEM, with its MD5 fingerprint.
command -v ssh-keygen >/dev/null 2>&1 || e2e_fatal "ssh-keygen is required"
ssh-keygen -q -t rsa -b 2048 -N '' -C cli@e2e -f "$E2E_TMP/cli-key" </dev/null
ssh-keygen -q -t rsa -b 1024 -N '' -C short@e2e -f "$E2E_TMP/short-key" </dev/null
MD5="$(ssh-keygen -l -E md5 -f "$E2E_TMP/cli-key.pub" | awk '{print $2}')"
must upload-ssh iam upload-ssh-public-key --user-name alice --ssh-public-key-body "file://$E2E_TMP/cli-key.pub"
SSH_ID="$(field "$O/upload-ssh.json" 'd["SSHPublicKey"]["SSHPublicKeyId"]')"
check "upload-ssh-public-key: the id and ssh-keygen's fingerprint" \
  "$(field "$O/upload-ssh.json" '(d["SSHPublicKey"]["SSHPublicKeyId"][:4], "MD5:" + d["SSHPublicKey"]["Fingerprint"], d["SSHPublicKey"]["Status"])')" \
  "('APKA', '$MD5', 'Active')"
fails "the same key again" DuplicateSSHPublicKey -- iam upload-ssh-public-key --user-name alice --ssh-public-key-body "file://$E2E_TMP/cli-key.pub"
fails "a 1024-bit key" InvalidPublicKey -- iam upload-ssh-public-key --user-name alice --ssh-public-key-body "file://$E2E_TMP/short-key.pub"
must get-ssh-pem iam get-ssh-public-key --user-name alice --ssh-public-key-id "$SSH_ID" --encoding PEM
ssh-keygen -e -m PKCS8 -f "$E2E_TMP/cli-key.pub" >"$E2E_TMP/cli-key.pem"
check "get-ssh-public-key --encoding PEM: ssh-keygen's PEM" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["SSHPublicKey"]["SSHPublicKeyBody"] == open(sys.argv[2]).read())' "$O/get-ssh-pem.json" "$E2E_TMP/cli-key.pem")" "True"
must update-ssh iam update-ssh-public-key --user-name alice --ssh-public-key-id "$SSH_ID" --status Inactive
must list-ssh iam list-ssh-public-keys --user-name alice
check "list-ssh-public-keys" "$(field "$O/list-ssh.json" '[(k["SSHPublicKeyId"], k["Status"]) for k in d["SSHPublicKeys"]]')" "[('$SSH_ID', 'Inactive')]"
must delete-ssh iam delete-ssh-public-key --user-name alice --ssh-public-key-id "$SSH_ID"
fails "get a deleted key" NoSuchEntity -- iam get-ssh-public-key --user-name alice --ssh-public-key-id "$SSH_ID" --encoding SSH

e2e_summary aws_cli_identities
