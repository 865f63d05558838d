/* Included after fast_bfs.c by model/engine/fast_c.py. */

/* ---- One partition of the distributed search (model/engine/distributed/native.py) ----
 * The same compiled successors, canonical form, checks and observers as kl_explore, driven a chunk of
 * frontier at a time by a Ray actor.  Order keys (source id * NT + transition) stand for the
 * single-machine discovery order, so the first record of anything is the one with the smallest key. */

#define PS_DONE INT64_MIN  /* a committed (visited) state; otherwise the slot holds a pending order key */

typedef struct { slot_t *tab; u64 tmask; i64 n; st_t *fresh; i64 nfresh, capfresh; } pset_t;

/* The slot of `state`: where it is, or the empty slot where it would go. */
static inline slot_t *pset_slot(pset_t *p, st_t state, u64 hash) {
    st_t key = st_key(state);
    u64 h = hash & p->tmask;
    while (p->tab[h].key.w[0] && !st_eq(p->tab[h].key, key)) h = (h + 1) & p->tmask;
    return &p->tab[h];
}

void *kl_pset_new(void) {
    pset_t *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->tmask = (1 << 16) - 1; p->tab = table_alloc(p->tmask + 1);
    if (!p->tab) { free(p); return NULL; }
    return p;
}

void kl_pset_free(void *v) { pset_t *p = v; if (!p) return; table_free(p->tab, p->tmask + 1); free(p->fresh); free(p); }

i64 kl_pset_bytes(void *v) {
    pset_t *p = v;
    return (i64)((p->tmask + 1) * sizeof(slot_t) + p->capfresh * sizeof(st_t));
}

/* Offer candidates: known (committed) states are dropped, a pending one keeps its smallest order key,
 * a new one becomes pending.  Returns 0, or -1 when out of memory. */
i64 kl_pset_offer(void *v, const st_t *states, const i64 *okeys, i64 n) {
    pset_t *p = v;
    enum { AHEAD = 16 };
    for (i64 x = 0; x < n; x++) {
        if (x + AHEAD < n) __builtin_prefetch(&p->tab[st_hash(states[x + AHEAD]) & p->tmask]);
        slot_t *sl = pset_slot(p, states[x], st_hash(states[x]));
        if (sl->key.w[0]) {
            if (sl->id != PS_DONE && okeys[x] < sl->id) sl->id = okeys[x];
            continue;
        }
        if (p->nfresh == p->capfresh) {
            i64 cap = p->capfresh ? 2 * p->capfresh : 1 << 12;
            st_t *f = realloc(p->fresh, cap * sizeof *f);
            if (!f) return -1;
            p->fresh = f; p->capfresh = cap;
        }
        sl->key = st_key(states[x]); sl->id = okeys[x];
        p->fresh[p->nfresh++] = states[x];
        if ((u64)(++p->n) * 2 > p->tmask + 1 && table_grow(&p->tab, &p->tmask)) return -1;
    }
    return 0;
}

i64 kl_pset_pending(void *v) { return ((pset_t *)v)->nfresh; }

/* The pending states and their order keys (in offer order); they become committed. */
void kl_pset_take(void *v, st_t *states, i64 *okeys) {
    pset_t *p = v;
    for (i64 x = 0; x < p->nfresh; x++) {
        slot_t *sl = pset_slot(p, p->fresh[x], st_hash(p->fresh[x]));
        states[x] = p->fresh[x]; okeys[x] = sl->id; sl->id = PS_DONE;
    }
    p->nfresh = 0;
}

/* Restore committed states (a checkpoint). */
i64 kl_pset_add_done(void *v, const st_t *states, i64 n) {
    pset_t *p = v;
    for (i64 x = 0; x < n; x++) {
        slot_t *sl = pset_slot(p, states[x], st_hash(states[x]));
        if (sl->key.w[0]) { sl->id = PS_DONE; continue; }
        sl->key = st_key(states[x]); sl->id = PS_DONE;
        if ((u64)(++p->n) * 2 > p->tmask + 1 && table_grow(&p->tab, &p->tmask)) return -1;
    }
    return 0;
}

/* The partition that owns a state, from its table hash: the high 32 bits scaled to [0, parts)
 * (model/engine/distributed/store.py).  One hash an edge serves the owner and the tables
 * (which index by the low bits), and a multiply replaces a division. */
static inline i64 owner_of(u64 hash, i64 parts) { return (i64)(((hash >> 32) * (u64)parts) >> 32); }

/* The owner of each of n states: the Ray driver places the initial state with store.py's owners_of,
 * which must agree (tested). */
void kl_owners(const st_t *states, i64 n, i64 parts, i64 *out) {
    for (i64 x = 0; x < n; x++) out[x] = owner_of(st_hash(states[x]), parts);
}

/* Empties the scratch slots of succ[from .. to - 1] (linear probing finds each wherever it went). */
static void scratch_clear(slot_t *scratch, u64 smask, const st_t *succ, i64 from, i64 to) {
    for (i64 x = from; x < to; x++) {
        st_t key = st_key(succ[x]);
        u64 h = st_hash(succ[x]) & smask;
        while (!st_eq(scratch[h].key, key)) h = (h + 1) & smask;
        memset(&scratch[h].key, 0, sizeof(st_t));
    }
}

/* Expand n frontier states (ascending ids) of partition `me` of `parts`.  Successors it owns go
 * straight into its set `pset` (smallest order key wins there); the others are written to
 * succ_out/okey_out/owner_out, each once per run of states whose edges fit half the scratch table
 * (the first edge of a run has the smallest order key), and their count is returned (-1: out of
 * memory).  acc = fired[NT], edges, deadlocks, first deadlock.  Step checks and observers see every
 * concrete edge; step records are (source id, canonical target in recs).  recs: as kl_explore's.
 * Every array has room for n * NT; scratch: 2^sbits zeroed slots (small, so it stays in cache), left
 * zeroed. */
i64 kl_expand(const st_t *states, const i64 *ids, i64 n, st_t *succ_out, i64 *okey_out, int32_t *owner_out,
              st_t *own_c, i64 *own_k, i64 *acc, i64 *sv, i64 *sw, i64 *ob, u64 *recs,
              slot_t *scratch, int sbits, void *pset, i64 parts, i64 me) {
    st_t buf[NT + 1]; int tr[NT + 1];
    u64 smask = ((u64)1 << sbits) - 1;
    i64 m = 0, e = 0, mine = 0, run_start = 0, run_edges = 0;
    for (i64 b = 0; b < n; b++) {
        if (run_edges + NT > (i64)(smask + 1) / 2) {  /* start a new run: empty the scratch table */
            scratch_clear(scratch, smask, succ_out, run_start, m);
            run_start = m; run_edges = 0;
        }
        st_t s = states[b]; i64 sid = ids[b];
        int k = successors(s, buf, tr);
        if (k == 0) { acc[NT + 1]++; if (acc[NT + 2] < 0) acc[NT + 2] = sid; }
        run_edges += k;
        for (int j = 0; j < k; j++, e++) {
            st_t t = buf[j]; int i = tr[j];
            acc[i]++;
            st_t c = HAVE_CANON ? canon(t) : t;
            on_edge(sid, s, i, t, c, sv, sw, ob);  /* step records name the target by its state */
            u64 hc = st_hash(c);
            i64 who = owner_of(hc, parts);
            if (who == me) { own_c[mine] = c; own_k[mine] = sid * NT + i; mine++; continue; }
            st_t key = st_key(c);
            u64 h = hc & smask;
            while (scratch[h].key.w[0] && !st_eq(scratch[h].key, key)) h = (h + 1) & smask;
            if (!scratch[h].key.w[0]) {
                scratch[h].key = key; succ_out[m] = c; okey_out[m] = sid * NT + i; owner_out[m] = (int32_t)who; m++;
            }
        }
    }
    scratch_clear(scratch, smask, succ_out, run_start, m);
    acc[NT] += e;
    /* OBT, SVT and SWT belong to the library, not to a partition: the caller turns this call's new
     * records into its own right after the call, which is all that reads these copies. */
    memcpy(recs, OBT, 2 * NOB * sizeof(st_t));
    memcpy(recs + 2 * NOB * WORDS, SVT, NS * sizeof(st_t));
    memcpy(recs + (2 * NOB + NS) * WORDS, SWT, NWS * sizeof(st_t));
    if (mine && kl_pset_offer(pset, own_c, own_k, mine)) return -1;
    return m;
}

/* Invariants and witnesses of newly committed states, in ascending id order (first records stick). */
void kl_check_states(const st_t *states, const i64 *ids, i64 n, i64 *inv, i64 *wit) {
    for (i64 b = 0; b < n; b++) { check_inv(states[b], ids[b], inv); check_wit(states[b], ids[b], wit); }
}
