#!/usr/bin/env python3
# docs/mapper.md §7: the default strategy (2 s, 1 thread) against the exhaustive optimum (when the
# space has at most --limit legal mappings) or a longer search with another seed, for every distinct
# MAC layer of a zoo network on eyeriss-256 (batch 1) under the six ISCA 2016 dataflows. A long
# benchmark, not a test (AlexNet: about 30 minutes on one core).
#
#   bench/mapper_vs_reference.py --coda build/coda --network alexnet --out alexnet.tsv
#   bench/mapper_vs_reference.py --network vgg16 --ref-seconds 20 --jobs 2 --out vgg16.tsv
#   bench/mapper_vs_reference.py --network mobilenet_v1 --cases conv1:ws,conv_pw1:os_a --limit 1e8 \
#       --exhaustive-cap 400 --out refs.tsv   # exhaustive references for chosen cases
#   bench/mapper_vs_reference.py --references known.tsv --out alexnet.tsv   # reuse known optima
#
# Layers with the same type, input shape, output shape and weight count are mapped once (the first
# one's name is reported). --jobs N runs N cases at once, each on one thread; with N equal to the
# number of cores the 2 s budget buys fewer evaluations than on an idle machine, which only makes
# the default strategy's result worse, never better.
# Columns: layer, dataflow, estimated legal mappings, default evaluations, default energy (pJ),
# reference energy (pJ), gap (%), reference kind, reference seconds.
import argparse, concurrent.futures, json, subprocess

p = argparse.ArgumentParser()
p.add_argument("--coda", default="build/coda")
p.add_argument("--network", default="alexnet")
p.add_argument("--arch", default="eyeriss-256")
p.add_argument("--out", default="mapper_vs_reference.tsv")
p.add_argument("--limit", type=float, default=2.5e6, help="largest space searched exhaustively")
p.add_argument("--ref-seconds", type=float, default=30)
p.add_argument("--jobs", type=int, default=1)
p.add_argument("--dataflows", default="rs,ws,os_a,os_b,os_c,nlr")
p.add_argument("--cases", default="", help="only these cases, layer:dataflow,... (overrides --dataflows)")
p.add_argument("--exhaustive-cap", type=float, default=0,
               help="stop an exhaustive reference after this many seconds (0: no cap); a stopped one "
                    "is reported as such and is not an optimum")
p.add_argument("--references", default="",
               help="TSV of known references (layer, dataflow, energy pJ, kind): those cases run only the "
                    "default strategy and compare with it")
args = p.parse_args()
known = {}
if args.references:
    with open(args.references) as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) >= 4:
                known[(c[0], c[1])] = (float(c[2]), c[3])


def run(cmd):
    r = subprocess.run([args.coda] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, (r.stderr.strip().splitlines() or ["error"])[-1]
    return json.loads(r.stdout), ""


def distinct_mac_layers():
    stats, err = run(["stats", args.network, "--format", "json"])
    if stats is None:
        raise SystemExit(err)
    seen, names = set(), []
    for l in stats["layers"]:
        if l["macs"] == 0:
            continue
        key = (l["type"], str(l["input_shape"]), str(l["output_shape"]), l["weights"])
        if key not in seen:
            seen.add(key)
            names.append(l["name"])
    return names


def case(layer, df):
    base = ["map", "--arch", args.arch, "--threads", "1", "--format", "json",
            "--layer", f"{args.network}:{layer}", "--dataflow", df]
    d, err = run(base + ["--budget-seconds", "2"])
    if d is None:
        return f"{layer}\t{df}\tERR\t{err}\n"
    pts = d["mapper"]["estimated_points"]
    e_def = d["best"]["energy_pj"]
    if (layer, df) in known:
        e_ref, kind = known[(layer, df)]
        secs = 0.0
        if d["mapper"]["complete"]:
            kind += "; the default ran the exhaustive search"
    elif d["mapper"]["complete"]:
        kind, e_ref, secs = "exhaustive (default ran it)", e_def, d["mapper"]["seconds"]
    elif pts <= args.limit:
        cap = ["--budget-seconds", f"{args.exhaustive_cap:g}"] if args.exhaustive_cap > 0 else []
        ref, err = run(base + ["--strategy", "exhaustive"] + cap)
        if ref is None:
            return f"{layer}\t{df}\tERR\t{err}\n"
        kind, e_ref, secs = "exhaustive", ref["best"]["energy_pj"], ref["mapper"]["seconds"]
        if not ref["mapper"]["complete"]:
            kind = f"exhaustive stopped ({ref['mapper']['evaluations']} evaluations)"
            e_ref = min(e_ref, e_def)
    else:
        ref, err = run(base + ["--budget-seconds", f"{args.ref_seconds:g}", "--seed", "2"])
        if ref is None:
            return f"{layer}\t{df}\tERR\t{err}\n"
        kind, secs = f"{args.ref_seconds:g} s search, seed 2", ref["mapper"]["seconds"]
        e_ref = min(ref["best"]["energy_pj"], e_def)
    gap = e_def / e_ref - 1
    return (f"{layer}\t{df}\t{pts:.3g}\t{d['mapper']['evaluations']}\t{e_def:.6g}\t{e_ref:.6g}"
            f"\t{gap * 100:.2f}\t{kind}\t{secs:.1f}\n")


if args.cases:
    cases = [tuple(c.split(":")) for c in args.cases.split(",")]
else:
    cases = [(l, df) for l in distinct_mac_layers() for df in args.dataflows.split(",")]
with open(args.out, "w") as out, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
    # Results are written in case order whatever the completion order.
    for line in pool.map(lambda c: case(*c), cases):
        out.write(line)
        out.flush()
