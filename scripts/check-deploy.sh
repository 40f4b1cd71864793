#!/usr/bin/env bash
# Checks the deploy files without a cluster: promtool on the alert rules (syntax, then the unit tests in
# docker/prometheus/rules/surge.rules.test.yml), haproxy -c on the load balancer's config, every YAML file
# parses, kustomize builds docker/k8s, and the dashboard's JSON parses. Installs promtool (Debian package
# prometheus) and haproxy when missing. DeployFilesIT checks the names in these files against a real node;
# METRICS_URL=http://host:8081/metrics does the same here against a running one.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v promtool >/dev/null || need+=(prometheus)
command -v haproxy >/dev/null || need+=(haproxy)
command -v python3 >/dev/null || need+=(python3 python3-yaml)
if (( ${#need[@]} )); then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

step() { printf '\n== %s\n' "$*"; }

step "promtool check config + rules"
# the config names its rules file by its path inside the container: check a copy pointing here
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sed "s|/etc/prometheus/rules/|$PWD/docker/prometheus/rules/|" docker/prometheus/prometheus.yml > "$tmp/prometheus.yml"
promtool check config "$tmp/prometheus.yml"
promtool check rules docker/prometheus/rules/surge.rules.yml
step "promtool test rules"
promtool test rules docker/prometheus/rules/surge.rules.test.yml

step "haproxy -c"
haproxy -c -f docker/haproxy/haproxy.cfg

step "YAML and JSON parse"
python3 - <<'PY'
import glob, json, yaml
files = sorted(set(glob.glob("docker/**/*.yml", recursive=True) + glob.glob("docker/**/*.yaml", recursive=True)
                   + glob.glob(".github/**/*.yml", recursive=True)))
for f in files:
    docs = [d for d in yaml.safe_load_all(open(f)) if d is not None]
    print(f"{f}: {len(docs)} document(s)")
for f in sorted(glob.glob("docker/grafana/dashboards/*.json")):
    d = json.load(open(f))
    print(f"{f}: {len(d['panels'])} panels")
PY

if [[ -n "${METRICS_URL:-}" ]]; then
  step "metric names in the dashboard and rules against $METRICS_URL"
  curl -sf "$METRICS_URL" > "$tmp/metrics.txt"
  python3 - "$tmp/metrics.txt" <<'PY'
import glob, json, re, sys, yaml
served = {line.split("{")[0].split(" ")[0] for line in open(sys.argv[1]) if line.strip() and not line.startswith("#")}
metric = re.compile(r"\b(?:surge|vertx|jvm|process|system|kafka)_[a-z0-9_]+\b")
def exprs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("expr", "series") and isinstance(v, str):
                yield v
            else:
                yield from exprs(v)
    elif isinstance(node, list):
        for v in node:
            yield from exprs(v)
used = set()
for f in glob.glob("docker/grafana/dashboards/*.json"):
    used |= {m for e in exprs(json.load(open(f))) for m in metric.findall(e)}
for f in glob.glob("docker/prometheus/rules/*.yml"):
    used |= {m for e in exprs(yaml.safe_load(open(f))) for m in metric.findall(e)}
missing = sorted(used - served)
print(f"{len(used)} names used, not served: {missing or 'none'}")
# meters born on first use (a refused request, the Kafka binder's first refresh) can be missing on an idle node
sys.exit(1 if missing else 0)
PY
fi

step "kustomize build docker/k8s"
if command -v kubectl >/dev/null; then
  kubectl kustomize docker/k8s | grep '^kind:' | sort | uniq -c
else
  echo "kubectl not installed: skipped"
fi
step "deploy files check passed"
