#!/usr/bin/env python3
"""Re-checks a credit-ledger supervision plan with code of its own
(README "Re-checking a plan"; issue 11). Standard library only (3.11+).

    recheck-plan.py PLAN.json [INSPECTORS.toml]

PLAN.json is what `credit-ledger plan --year Y --division D --format json`
prints. From it this script takes only the public inputs: the year, the
division, K, the ledger's chain hash at K, the salt, the rule set's
[supervision] values per grade, the enterprises with their grades in
force, and the inspector list (INSPECTORS.toml when given, else the list
the plan printed as "inspectors_file"). It redoes the draw as the README describes: its own SHA-256 seed,
its own ChaCha20 (RFC 8439), its own sampling, quarters and inspector
pairs. Then it encodes the plan canonically and compares the SHA-256 with
the plan's `plan_sha256` (which `plan verify` compares with the ledger's
`plan_issued` record). Exit 0 on a match, 1 otherwise.
"""
import hashlib
import json
import struct
import sys
import tomllib

GRADES = ["A", "B", "C", "D"]


def chacha20_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    """RFC 8439 §2.3: one 64-byte block."""
    def rotl(v, c):
        return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))

    def qr(s, a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)

    init = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    init += list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce))
    s = init[:]
    for _ in range(10):
        qr(s, 0, 4, 8, 12); qr(s, 1, 5, 9, 13); qr(s, 2, 6, 10, 14); qr(s, 3, 7, 11, 15)
        qr(s, 0, 5, 10, 15); qr(s, 1, 6, 11, 12); qr(s, 2, 7, 8, 13); qr(s, 3, 4, 9, 14)
    return struct.pack("<16I", *[(a + b) & 0xFFFFFFFF for a, b in zip(s, init)])


class Draw:
    """The keystream read 8 bytes at a time (little-endian u64)."""

    def __init__(self, seed: bytes):
        self.seed, self.counter, self.buf = seed, 0, b""

    def next_u64(self) -> int:
        if not self.buf:
            self.buf = chacha20_block(self.seed, self.counter, bytes(12))
            self.counter += 1
        x, self.buf = struct.unpack("<Q", self.buf[:8])[0], self.buf[8:]
        return x

    def below(self, n: int) -> int:
        if n <= 1:
            return 0
        zone = (2**64 // n) * n
        while True:
            x = self.next_u64()
            if x < zone:
                return x % n

    def choose(self, items: list, k: int) -> None:
        for i in range(min(k, len(items))):
            j = i + self.below(len(items) - i)
            items[i], items[j] = items[j], items[i]


def seed(head_hash: str, year: int, division: str, salt: str) -> bytes:
    h = hashlib.sha256()
    for part in ["credit-ledger plan draw 1", head_hash.lower(), str(year), division, salt]:
        b = part.encode("utf-8")
        h.update(struct.pack(">I", len(b)) + b)
    return h.digest()


def cadence(per_year: int) -> str:
    if per_year == 0:
        return "none"
    if per_year % 4 == 0:
        return "quarter"
    return "half_year" if per_year % 2 == 0 else "year"


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return "—"
    tenths = (part * 2000 + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}"


def recompute(p: dict, inspectors: list | None) -> dict:
    regime = {g["grade"]: (g["sampling_ratio_percent"], g["inspections_per_year"]) for g in p["grades"]}
    ents = sorted(((e["enterprise"], e["name"], e["grade"], e["decision"]) for e in p["enterprises"]), key=lambda e: e[0].encode())
    sd = seed(p["head_hash"], p["year"], p["division"], p["salt"])
    d = Draw(sd)
    # 1. Sampling, grade by grade.
    sampled = set()
    for g in GRADES:
        of = [i for i, e in enumerate(ents) if e[2] == g]
        k = -(-len(of) * min(regime[g][0], 100) // 100)
        d.choose(of, k)
        sampled.update(of[:k])
    # 2. Quarters.
    entries = []
    for i, (uscc, name, g, decision) in enumerate(ents):
        per_year = regime[g][1]
        q = [per_year // 4] * 4
        r = per_year % 4
        if r == 2:
            q[d.below(2)] += 1
            q[2 + d.below(2)] += 1
        elif r:
            order = [0, 1, 2, 3]
            d.choose(order, r)
            for j in order[:r]:
                q[j] += 1
        sq = 1 + d.below(4) if i in sampled else None
        entries.append({"enterprise": uscc, "name": name, "grade": g, "decision": decision, "cadence": cadence(per_year),
                        "mandatory": q, "sampled": i in sampled, "sampling_quarter": sq})
    # 3. Inspections, then pairs.
    inspections = []
    for quarter in range(1, 5):
        for e in entries:
            for _ in range(e["mandatory"][quarter - 1]):
                inspections.append({"quarter": quarter, "enterprise": e["enterprise"], "purpose": "mandatory", "inspectors": None})
            if e["sampling_quarter"] == quarter:
                inspections.append({"quarter": quarter, "enterprise": e["enterprise"], "purpose": "sampling", "inspectors": None})
    if inspectors is not None:
        pool = sorted(inspectors, key=lambda x: x["id"].encode())
        last_of, previous = {}, None
        for ins in inspections:
            eligible = [i for i, x in enumerate(pool) if ins["enterprise"] not in x.get("conflicts", [])]
            pairs = [(a, b) for n, a in enumerate(eligible) for b in eligible[n + 1:]]
            own = last_of.get(ins["enterprise"])
            allowed = [x for x in pairs if x != own and x != previous] or [x for x in pairs if x != own]
            if not allowed:
                sys.exit(f"no pair for {ins['enterprise']}: the plan cannot have been drawn with this list")
            pair = allowed[d.below(len(allowed))]
            ins["inspectors"] = [pool[pair[0]]["id"], pool[pair[1]]["id"]]
            last_of[ins["enterprise"]], previous = pair, pair
    grades = []
    for g in GRADES:
        of = [e for e in entries if e["grade"] == g]
        n_sampled = sum(e["sampled"] for e in of)
        grades.append({"grade": g, "sampling_ratio_percent": regime[g][0], "inspections_per_year": regime[g][1],
                       "cadence": cadence(regime[g][1]), "skips_routine_inspection": regime[g][1] == 0,
                       "enterprises": len(of), "sampled": n_sampled, "sampled_percent": percent(n_sampled, len(of)),
                       "mandatory_inspections": sum(sum(e["mandatory"]) for e in of)})
    return {"plan_format": 1, "year": p["year"], "division": p["division"], "known_at_seq": p["known_at_seq"],
            "head_hash": p["head_hash"].lower(), "salt": p["salt"], "rules_id": p["rules_id"], "rules_sha256": p["rules_sha256"],
            "draw_version": 1, "seed": sd.hex(), "grades": grades, "enterprises": entries, "inspections": inspections}


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        out = json.load(f)
    # The inspector list: the file given, else the one the plan's record holds
    # (printed as "inspectors_file" by `plan --format json`).
    inspectors = None
    if len(sys.argv) == 3:
        with open(sys.argv[2], "rb") as f:
            inspectors = tomllib.load(f).get("inspector", [])
    elif out.get("inspectors_file") is not None:
        inspectors = tomllib.loads(out["inspectors_file"]).get("inspector", [])
    elif any(i.get("inspectors") for i in out["plan"]["inspections"]):
        print("the plan assigns inspectors but no inspector list is given or printed: pass the list as the second argument", file=sys.stderr)
        return 2
    plan = recompute(out["plan"], inspectors)
    canonical = json.dumps(plan, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sha = hashlib.sha256(canonical).hexdigest()
    print(f"seed       {plan['seed']}")
    print(f"recomputed {sha}")
    print(f"published  {out['plan_sha256']}")
    if sha == out["plan_sha256"]:
        print("MATCH")
        return 0
    print("MISMATCH")
    return 1


if __name__ == "__main__":
    sys.exit(main())
