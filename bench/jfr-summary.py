#!/usr/bin/env python3
"""Top costs in a JFR recording of the server (bench/run.sh with BENCH_JFR=1).

usage: bench/jfr-summary.py RECORDING.jfr [SKIP_SECONDS]   (needs `jfr` of a JDK on PATH or JAVA_HOME)
Prints execution samples after the first SKIP_SECONDS (default 30: start-up and JIT warm-up) grouped by
library (leaf frame; Ed25519 and Argon2 anywhere on the stack win), the hottest leaf methods, and the
Bollwerk methods on the stack (inclusive).
"""
import collections, datetime, json, os, shutil, subprocess, sys

rec = sys.argv[1]
skip = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
jfr = shutil.which("jfr") or os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "jfr")
raw = subprocess.run([jfr, "print", "--stack-depth", "512", "--json", "--events", "jdk.ExecutionSample", rec],
                     check=True, capture_output=True, text=True).stdout
events = json.loads(raw)["recording"]["events"]


def ts(e):
    return datetime.datetime.fromisoformat(e["values"]["startTime"].replace("Z", "+00:00")).timestamp()


t0 = min(ts(e) for e in events)
events = [e for e in events if ts(e) - t0 >= skip and e["values"]["stackTrace"]]
n = len(events)
LIBS = [("Ed25519 signing (JDK EdDSA)", ("sun.security.ec.ed", "sun.security.util.math")),
        ("SHA-256 (JDK)", ("sun.security.provider",)), ("sqlite-jdbc", ("org.sqlite",)),
        ("PostgreSQL JDBC", ("org.postgresql",)), ("HikariCP", ("com.zaxxer",)), ("Jackson 3", ("tools.jackson",)),
        ("Jackson 2", ("com.fasterxml",)), ("Tomcat", ("org.apache.tomcat", "org.apache.catalina", "org.apache.coyote")),
        ("Spring", ("org.springframework",)), ("logback/slf4j", ("ch.qos.logback", "org.slf4j")),
        ("Micrometer", ("io.micrometer",)), ("Bollwerk", ("org.bollwerk",)), ("JDK other", ("java.", "jdk.", "sun."))]


def name(f):
    return (f["method"]["type"]["name"] + "." + f["method"]["name"]).replace("/", ".")


by_lib, leaf, incl = collections.Counter(), collections.Counter(), collections.Counter()
for e in events:
    frames = [name(f) for f in e["values"]["stackTrace"]["frames"]]
    if any("Argon2" in f for f in frames):
        lib = "Argon2 password hashing (logins)"
    elif any(f.startswith("sun.security.ec.ed") for f in frames):
        lib = "Ed25519 signing (JDK EdDSA)"
    else:
        lib = next((l for l, keys in LIBS if frames[0].startswith(keys)), "other")
    by_lib[lib] += 1
    leaf[frames[0]] += 1
    for f in set(frames):
        if f.startswith("org.bollwerk") and "$$" not in f and "Lambda" not in f:
            incl[f] += 1

print(f"{rec}: {n} execution samples after the first {skip:.0f} s")
print("-- by library (self time)")
for k, v in by_lib.most_common():
    print(f"{v:6d} {100 * v / n:5.1f}%  {k}")
print("-- hottest leaf methods")
for k, v in leaf.most_common(15):
    print(f"{v:6d} {100 * v / n:5.1f}%  {k}")
print("-- Bollwerk methods on the stack (inclusive)")
for k, v in incl.most_common(30):
    print(f"{v:6d} {100 * v / n:5.1f}%  {k}")
