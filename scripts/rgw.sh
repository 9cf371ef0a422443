#!/bin/bash
# An S3-compatible server on 127.0.0.1 for tc's tests and benchmarks: Ceph's object gateway (RGW) over
# a one-node cluster (one monitor, one OSD keeping its objects in memory, no manager), every file of
# it under DIR. Needs Debian's radosgw, ceph-mon and ceph-osd (`make test-deps` installs them).
#
#   scripts/rgw.sh start DIR     make DIR afresh, start the cluster and a gateway on a free port, and
#                                create the user tc's tests sign with; prints KEY=VALUE lines:
#                                endpoint=http://127.0.0.1:PORT access_key=... secret_key=... pids=...
#   scripts/rgw.sh gateway DIR   start one more gateway over the same cluster (same buckets, another
#                                free port); prints endpoint=... and pid=...
#   scripts/rgw.sh stop DIR      stop every daemon started under DIR, by the pids in DIR/run, then
#                                remove DIR
#
# Start-up takes ~10-15 s, most of it the monitor and the OSD coming up. Ports: the monitor's and the
# gateway's are free ports the OS hands out; the OSD picks its own (6800-7300).
set -euo pipefail

ACCESS_KEY=tcaccess
SECRET_KEY=tcsecret

usage() {
  echo "usage: $0 start|gateway|stop DIR" >&2
  exit 2
}

# A TCP port on 127.0.0.1 that nothing listens on now (the OS picks it).
free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

# Wait until $1 answers HTTP (any status), for at most $2 seconds.
wait_http() {
  node -e "
    const deadline = Date.now() + $2 * 1000;
    const poll = () => fetch('$1').then(() => process.exit(0), () => Date.now() > deadline ? process.exit(1) : setTimeout(poll, 200));
    poll();" || { echo "rgw.sh: $1 did not answer within $2 s (logs: $D/log)" >&2; exit 1; }
}

# Start a gateway named $1 on a free port; prints its endpoint and pid.
start_gateway() {
  local name=$1 port
  port=$(free_port)
  timeout 60 radosgw "${C[@]}" -n "client.rgw.$name" --rgw-frontends "beast endpoint=127.0.0.1:$port"
  wait_http "http://127.0.0.1:$port/" 60
  echo "endpoint=http://127.0.0.1:$port"
  echo "pid=$(cat "$D/run/client.rgw.$name.pid")"
}

[ $# -eq 2 ] || usage
D=$2
C=(-c "$D/ceph.conf")

case $1 in
start)
  for tool in radosgw ceph-mon ceph-osd; do
    command -v $tool >/dev/null || { echo "rgw.sh: $tool is not installed (apt-get install radosgw ceph-mon ceph-osd)" >&2; exit 1; }
  done
  rm -rf "$D"
  mkdir -p "$D"/{mon,osd0,run,log}
  fsid=$(cat /proc/sys/kernel/random/uuid)
  mon_port=$(free_port)
  cat >"$D/ceph.conf" <<EOF
[global]
fsid = $fsid
mon_host = v2:127.0.0.1:$mon_port
ms_bind_msgr1 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
run_dir = $D/run
log_file = $D/log/\$name.log
admin_socket = $D/run/\$name.asok
pid_file = $D/run/\$name.pid
keyring = $D/keyring
mon_data = $D/mon
osd_data = $D/osd\$id
osd_objectstore = memstore
memstore_device_bytes = 2147483648
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
mon_max_pg_per_osd = 1000
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_crush_chooseleaf_type = 0
# A gateway killed without a word (the tests do so) holds a watch that others wait on, up to this many
# seconds, when they change metadata (a new bucket): 30 by default.
osd_client_watch_timeout = 5
[client]
ms_mon_client_mode = crc secure
ms_client_mode = crc secure
EOF
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --addv a "[v2:127.0.0.1:$mon_port]" --fsid "$fsid" "$D/monmap" >/dev/null
  ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring"
  ceph-mon "${C[@]}" -i a
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  osd_id=$(timeout 30 ceph "${C[@]}" osd new "$osd_uuid")
  ceph-osd "${C[@]}" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" 2>>"$D/log/osd-mkfs.log"
  ceph-osd "${C[@]}" -i "$osd_id" 2>>"$D/log/osd-start.log"
  gateway=$(start_gateway main)
  timeout 30 radosgw-admin "${C[@]}" user create --uid=tc --display-name=tc --access-key=$ACCESS_KEY --secret-key=$SECRET_KEY >/dev/null
  echo "$gateway" | grep '^endpoint='
  echo "access_key=$ACCESS_KEY"
  echo "secret_key=$SECRET_KEY"
  echo "pids=$(cat "$D"/run/*.pid | tr '\n' ' ' | sed 's/ $//')"
  ;;
gateway)
  [ -f "$D/ceph.conf" ] || { echo "rgw.sh: no cluster in $D (start it first)" >&2; exit 1; }
  start_gateway "g$(date +%s%N)"
  ;;
stop)
  pids=$(cat "$D"/run/*.pid 2>/dev/null || true)
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $pids; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$D"
  ;;
*)
  usage
  ;;
esac
