#!/usr/bin/env python3
# docs/performance.md ("Time to the exhaustive optimum"): runs `coda map --strategy exhaustive` on
# the given (architecture, batch, dataflow, layer) cases and prints one TSV row per case: layer,
# dataflow, mappings evaluated, tilings, seconds (wall), evaluations per second, best energy (pJ),
# active MAC units. A long benchmark, not a test.
#
#   bench/exhaustive_times.py --arch eyeriss-256 --dataflows rs,os_a --layers conv1,conv3 --threads 2
import argparse, json, subprocess, sys

p = argparse.ArgumentParser()
p.add_argument("--coda", default="build/coda")
p.add_argument("--arch", default="eyeriss-256")
p.add_argument("--network", default="alexnet")
p.add_argument("--batch", type=int, default=1)
p.add_argument("--dataflows", default="rs")
p.add_argument("--layers", default="conv1,conv2,conv3,conv4,conv5")
p.add_argument("--threads", type=int, default=2)
args = p.parse_args()

for df in args.dataflows.split(","):
    for layer in args.layers.split(","):
        r = subprocess.run([args.coda, "map", "--arch", args.arch, "--layer", f"{args.network}:{layer}",
                            "--batch", str(args.batch), "--dataflow", df, "--strategy", "exhaustive",
                            "--threads", str(args.threads), "--format", "json"], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{layer}\t{df}\tERR\t{(r.stderr.strip().splitlines() or ['error'])[-1]}", flush=True)
            continue
        d = json.loads(r.stdout)
        m, b = d["mapper"], d["best"]
        print(f"{layer}\t{df}\t{m['evaluations']}\t{m.get('tilings', '')}\t{m['seconds']:.1f}"
              f"\t{m['evaluations'] / max(m['seconds'], 1e-9):.0f}\t{b['energy_pj']:.6g}\t{b.get('active_units', '')}",
              flush=True)
