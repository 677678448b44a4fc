#!/usr/bin/env python3
# docs/mapper.md §7: the default strategy (2 s, 1 thread) against the exhaustive optimum (when the
# space has at most LIMIT legal mappings) or a 15x longer search with another seed, for AlexNet
# CONV1-5 and FC6-8 on eyeriss-256 (batch 1) under the six ISCA 2016 dataflows. A long benchmark,
# not a test (about 30 minutes on one core). Usage: bench/mapper_vs_reference.py [coda] [out.tsv]
# Columns: layer, dataflow, estimated legal mappings, default evaluations, default energy (pJ),
# reference energy (pJ), gap (%), reference kind, reference seconds.
import json, subprocess, sys
CODA = sys.argv[1] if len(sys.argv) > 1 else "build/coda"
LIMIT = 2.5e6
out = open(sys.argv[2] if len(sys.argv) > 2 else "mapper_vs_reference.tsv", "w")
def run(args):
    r = subprocess.run([CODA, "map", "--arch", "eyeriss-256", "--threads", "1", "--format", "json"] + args,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1] if r.stderr else "error"
    return json.loads(r.stdout), ""
for layer in ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]:
    for df in ["rs", "ws", "os_a", "os_b", "os_c", "nlr"]:
        base = ["--layer", "alexnet:" + layer, "--dataflow", df]
        d, err = run(base + ["--budget-seconds", "2"])
        if d is None:
            out.write(f"{layer}\t{df}\tERR\t{err}\n"); out.flush(); continue
        pts = d["mapper"]["estimated_points"]
        e_def = d["best"]["energy_pj"]
        if d["mapper"]["complete"]:
            ref, kind, e_ref, secs = d, "exhaustive (default ran it)", e_def, d["mapper"]["seconds"]
        elif pts <= LIMIT:
            ref, _ = run(base + ["--strategy", "exhaustive"])
            kind, e_ref, secs = "exhaustive", ref["best"]["energy_pj"], ref["mapper"]["seconds"]
        else:
            ref, _ = run(base + ["--budget-seconds", "30", "--seed", "2"])
            kind, e_ref, secs = "30 s search, seed 2", ref["best"]["energy_pj"], ref["mapper"]["seconds"]
            e_ref = min(e_ref, e_def)
        gap = e_def / e_ref - 1
        out.write(f"{layer}\t{df}\t{pts:.3g}\t{d['mapper']['evaluations']}\t{e_def:.6g}\t{e_ref:.6g}\t{gap*100:.2f}\t{kind}\t{secs:.1f}\n")
        out.flush()
