# Sourced by .ci/run: start the machine's PostgreSQL cluster on loopback and export
# KATHODE_TEST_PG_URL for the team-project tests. Leaves it unset (tests skip) on failure.
pg_setup() {
    local version cluster
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || return 1
    if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
        pg_createcluster "$version" main >/dev/null || return 1
    fi
    cluster=$(pg_lsclusters -h | head -n 1 | awk '{print $1" "$2}')
    pg_ctlcluster $cluster start 2>/dev/null || true
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 && break
        sleep 1
    done
    pg_isready -q -h 127.0.0.1 || return 1
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c \
        "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kathode') THEN
         CREATE ROLE kathode LOGIN SUPERUSER PASSWORD 'kathode'; END IF; END \$\$;" >/dev/null \
        || return 1
    export KATHODE_TEST_PG_URL="postgresql://kathode:kathode@127.0.0.1:5432/postgres"
}
pg_setup || echo "PostgreSQL not available: team-project tests will be skipped" >&2
