#!/usr/bin/env bash
# deploy/ as users run it (docs/deploy.md), checked against the binaries' own flags and paths:
#   1. yamllint passes on every manifest (a positive control: a broken manifest fails it);
#   2. each shard's Deployment: its command is accepted by the real mmbot-testnet with the
#      ConfigMap's config for that shard: flags parse, the config validates, the secrets file is
#      read, and the run gets as far as the shard's lease (exit 9: Redis "mmbot-redis" does not
#      resolve here), which is after every check a bad manifest could fail (a bad flag is exit 2,
#      the positive control); --obs-port = containerPort = both probes' port = the scrape
#      annotation; the probe and scrape paths are the obs server's (docs/metrics.md Endpoints);
#      the config names the Redis Service and the shard the Deployment is labelled with; the
#      secrets file is where the Secret is mounted;
#   3. the systemd unit template's ExecStart, for instance "a", the same way.
# About 2 s.
set -euo pipefail

testnet="$1"; deploy_dir="$(dirname "$2")"; metrics_doc="$3"
work="${TEST_TMPDIR:-$(mktemp -d)}/deploy"
rm -rf "$work"; mkdir -p "$work"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"  # check, expect_exit

k8s="$deploy_dir/k8s"
check "yamllint passes on deploy/k8s" yamllint -s -c "$k8s/.yamllint" "$k8s"/*.yaml
printf -- '---\nkind: Deployment\nkind: Service\nmetadata: {name: x}   \n' > "$work/bad.yaml"
check "positive control: yamllint fails a manifest with a duplicate key and trailing spaces" \
    bash -c "! yamllint -s -c '$k8s/.yamllint' '$work/bad.yaml' >/dev/null"

printf '{"mm-bot/testnet/bybit": {"api_key": "DEPLOYTESTKEY", "api_secret": "DEPLOYTESTSECRET"}}\n' > "$work/secrets.json"
chmod 600 "$work/secrets.json"

# The facts of one shard's manifest, as shell assignments: its command with paths moved into
# $work, the config file it names (written to $work), and each consistency check's outcome.
facts() {  # facts <shard>
    python3 - "$k8s" "$1" "$work" "$metrics_doc" <<'PY'
import json, re, shlex, sys, yaml
k8s, shard, work, metrics_doc = sys.argv[1:]
docs = lambda f: [d for d in yaml.safe_load_all(open(f"{k8s}/{f}")) if d]
dep = next(d for d in docs(f"shard-{shard}.yaml") if d["kind"] == "Deployment")
cm = next(d for d in docs("configmap.yaml") if d["kind"] == "ConfigMap")
svc = next(d for d in docs("redis.yaml") if d["kind"] == "Service")
pod = dep["spec"]["template"]
c = pod["spec"]["containers"][0]
cmd = list(c["command"])
flag = lambda f: cmd[cmd.index(f) + 1]
mounts = {m["name"]: m for m in c["volumeMounts"]}
vols = {v["name"]: v for v in pod["spec"]["volumes"]}
env = {e["name"]: e["value"] for e in c["env"]}
ok = {}
cfg_path = flag("--config")
cfg_mount = next(m for m in c["volumeMounts"] if cfg_path.startswith(m["mountPath"] + "/"))
key = cfg_path[len(cfg_mount["mountPath"]) + 1:]
ok["config_mounted"] = vols[cfg_mount["name"]].get("configMap", {}).get("name") == cm["metadata"]["name"] and key in cm["data"]
cfg = json.loads(cm["data"][key])
open(f"{work}/{shard}.json", "w").write(json.dumps(cfg))
p = cfg["portfolio"]
ok["shard_matches_label"] = p["shard"] == shard == dep["metadata"]["labels"]["shard"]
ok["redis_is_the_service"] = p["redis"]["host"] == svc["metadata"]["name"] and p["redis"]["port"] == svc["spec"]["ports"][0]["port"]
port = int(flag("--obs-port"))
ok["obs_listens_beyond_loopback"] = flag("--obs-address") == "0.0.0.0"
ok["ports_agree"] = (port == c["ports"][0]["containerPort"] == c["livenessProbe"]["httpGet"]["port"]
                     == c["readinessProbe"]["httpGet"]["port"] == int(pod["metadata"]["annotations"]["prometheus.io/port"]))
endpoints = set(re.findall(r"^\| `GET (/[a-z]+)`", open(metrics_doc).read(), re.M))
ok["paths_are_the_obs_servers"] = ({c["livenessProbe"]["httpGet"]["path"], c["readinessProbe"]["httpGet"]["path"],
                                   pod["metadata"]["annotations"]["prometheus.io/path"]} == {"/health", "/ready", "/metrics"}
                                   and {"/health", "/ready", "/metrics"} <= endpoints)
ok["probes_are_liveness_health_readiness_ready"] = (c["livenessProbe"]["httpGet"]["path"] == "/health"
                                                   and c["readinessProbe"]["httpGet"]["path"] == "/ready")
sec = env["MMBOT_SECRETS_FILE"]
sm = next(m for m in c["volumeMounts"] if m["mountPath"] == sec)
ok["secrets_file_is_the_secret"] = ("secret" in vols[sm["name"]] and vols[sm["name"]]["secret"]["defaultMode"] == 0o400
                                    and sm.get("subPath") is not None)
state = [m["mountPath"] for m in c["volumeMounts"] if "persistentVolumeClaim" in vols[m["name"]]]
ok["journal_on_its_volume"] = any(flag("--journal").startswith(s + "/") for s in state)
ok["control_socket_writable"] = any(flag("--control-socket").startswith(s + "/") for s in state)
ok["one_pod_recreate"] = dep["spec"]["replicas"] == 1 and dep["spec"]["strategy"]["type"] == "Recreate"
# The command, with its files moved into $work (the mounts do not exist here).
for f, to in (("--config", f"{work}/{shard}.json"), ("--journal", f"{work}/{shard}.journal"),
              ("--control-socket", f"{work}/{shard}.ctl"), ("--kill-switch-file", f"{work}/{shard}.KILL")):
    cmd[cmd.index(f) + 1] = to
print("cmd=(" + " ".join(shlex.quote(x) for x in cmd[1:]) + ")")
print("bin=" + shlex.quote(cmd[0].rsplit("/", 1)[1]))
print("exchange_env=" + shlex.quote(env["EXCHANGE_ENV"]))
for k, v in ok.items():
    print(f"ok_{k}={1 if v else 0}")
PY
}

for shard in a b c; do
    eval "$(facts "$shard")"
    check "shard-$shard.yaml runs $bin, the binary under test" test "$bin" = "$(basename "$testnet")"
    for fact in config_mounted shard_matches_label redis_is_the_service obs_listens_beyond_loopback ports_agree \
                paths_are_the_obs_servers probes_are_liveness_health_readiness_ready secrets_file_is_the_secret \
                journal_on_its_volume control_socket_writable one_pod_recreate; do
        v="ok_$fact"; check "shard-$shard.yaml: $fact" test "${!v}" = 1
    done
    check "shard-$shard.yaml: its command and config get as far as the lease (exit 9)" \
        expect_exit 9 env EXCHANGE_ENV="$exchange_env" MMBOT_SECRETS_FILE="$work/secrets.json" "$testnet" "${cmd[@]}"
    check "... on Redis mmbot-redis:6379 for shard \"$shard\"" \
        grep -q "portfolio.shard \"$shard\": redis mmbot-redis:6379" "$work/err"
    check "positive control: the same command with a flag the binary lacks is exit 2" \
        expect_exit 2 env EXCHANGE_ENV="$exchange_env" MMBOT_SECRETS_FILE="$work/secrets.json" "$testnet" "${cmd[@]}" --obs-tls
done

# The systemd unit template, instance "a": its ExecStart with %i, the env file's port and the
# paths moved into $work.
unit="$deploy_dir/systemd/mmbot-shard@.service"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
check "the unit runs mmbot-testnet" test "$(basename "${exec_start%% *}")" = "$(basename "$testnet")"
check "the unit's EXCHANGE_ENV is testnet" grep -q '^Environment=EXCHANGE_ENV=testnet$' "$unit"
read -r -a unit_cmd <<<"$(sed -e 's/%i/a/g' -e 's/\${MMBOT_OBS_PORT}/0/' <<<"${exec_start#* }")"
for i in "${!unit_cmd[@]}"; do
    case "${unit_cmd[$i]}" in
        /etc/mmbot/a.json) unit_cmd[$i]="$work/a.json" ;;
        /var/lib/mmbot/a/*|/var/log/mmbot/*|/run/mmbot/*) unit_cmd[$i]="$work/unit.$(basename "${unit_cmd[$i]}")" ;;
    esac
done
check "the unit's ExecStart (instance a) gets as far as the lease (exit 9)" \
    expect_exit 9 env EXCHANGE_ENV=testnet MMBOT_SECRETS_FILE="$work/secrets.json" "$testnet" "${unit_cmd[@]}"
check "the unit's secrets file is per instance" grep -q '^Environment=MMBOT_SECRETS_FILE=/etc/mmbot/secrets/%i.secrets$' "$unit"
check "the unit restarts only after a lease (10 s) can expire" grep -q '^RestartSec=12$' "$unit"
[ "$fails" -eq 0 ]
