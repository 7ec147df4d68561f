#!/usr/bin/env python3
"""Writes pods.csv, the scale benchmark's pod trace (deterministic: a fixed
seed). 7,064 pods (the pod count of the published simulator comparison), each
1300m CPU / 2 GiB (six fill an m7g.2xlarge), submitted uniformly over the
first 30 minutes and running 30 to 90 minutes once Running: every pod is
alive around minute 30 (the peak, about 1,180 nodes), then they finish over
the next hour and consolidation empties the nodes.

    python3 bench/scenarios/scale-1200/gen_pods.py > bench/scenarios/scale-1200/pods.csv
"""
import random

PODS = 7064
rng = random.Random(20261121)
rows = sorted((rng.uniform(0, 1800), rng.uniform(1800, 5400)) for _ in range(PODS))
print("at,duration,cpu,memory")
for at, duration in rows:
    print(f"{at:.3f},{duration:.3f},1300m,2Gi")
