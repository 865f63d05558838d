/* Breadth-first search over packed states; included after the generated functions
 * (successors, check_inv, check_wit, on_edge, canon) by model/engine/fast_c.py.
 * Visit order, ids and first-found records are those of model/engine/explore.py. */

typedef void (*progress_fn)(i64 states, i64 edges, i64 queue);

static inline u64 mix(u64 x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33;
    return x;
}

typedef struct { u64 key; i64 id; } slot_t;  /* key = state + 1, 0 = empty (the partitions' sets) */

/* The search's visited table holds keys only (state + 1, 0 = empty), 8 bytes a slot: it is probed at
 * random, one cache miss per edge, so the smaller the better.  Ids are not needed there: a new state's
 * id is the count so far, and edge records name a known target by its state (resolved afterwards). */
typedef struct {
    u64 *states; int32_t *parent; int16_t *via; i64 n, cap;
    u64 *keys; u64 tmask;
} store_t;

/* Tables live on huge pages where the kernel allows them (fewer TLB misses); the search also
 * prefetches a block of probes ahead. */
static void *big_alloc(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    if (bytes >= (1u << 21)) madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;  /* anonymous pages are zero: every slot empty */
}

static slot_t *table_alloc(u64 size) { return big_alloc(size * sizeof(slot_t)); }
static void table_free(slot_t *tab, u64 size) { if (tab) munmap(tab, size * sizeof(slot_t)); }

/* Doubles a (key, id) table, keeping every entry.  0, or -1 when out of memory. */
static int table_grow(slot_t **tab, u64 *tmask) {
    u64 size = (*tmask + 1) * 2, mask = size - 1;
    slot_t *t = table_alloc(size);
    if (!t) return -1;
    for (u64 h = 0; h <= *tmask; h++) {
        if (!(*tab)[h].key) continue;
        u64 j = mix((*tab)[h].key - 1) & mask;
        while (t[j].key) j = (j + 1) & mask;
        t[j] = (*tab)[h];
    }
    table_free(*tab, *tmask + 1); *tab = t; *tmask = mask;
    return 0;
}
static void keys_free(u64 *keys, u64 size) { if (keys) munmap(keys, size * sizeof *keys); }

static int grow_table(store_t *st) {
    u64 size = (st->tmask + 1) * 2;
    u64 *keys = big_alloc(size * sizeof *keys);
    if (!keys) return -1;
    for (i64 id = 0; id < st->n; id++) {
        u64 h = mix(st->states[id]) & (size - 1);
        while (keys[h]) h = (h + 1) & (size - 1);
        keys[h] = st->states[id] + 1;
    }
    keys_free(st->keys, st->tmask + 1); st->keys = keys; st->tmask = size - 1;
    return 0;
}

static int grow_arrays(store_t *st) {
    i64 cap = st->cap * 2;
    u64 *s = realloc(st->states, cap * sizeof *s); if (!s) return -1; st->states = s;
    int32_t *p = realloc(st->parent, cap * sizeof *p); if (!p) return -1; st->parent = p;
    int16_t *v = realloc(st->via, cap * sizeof *v); if (!v) return -1; st->via = v;
    st->cap = cap;
    return 0;
}

static int store_init(store_t *st) {  /* states, parents, transitions: room for 2^16 to start */
    st->cap = 1 << 16;
    st->states = malloc(st->cap * sizeof *st->states); st->parent = malloc(st->cap * sizeof *st->parent);
    st->via = malloc(st->cap * sizeof *st->via);
    return st->states && st->parent && st->via ? 0 : -1;
}

enum { KNOWN = -2, NO_MEMORY = -1 };

/* Inserts c (with parent/via) if new and returns its id; KNOWN if it was there; NO_MEMORY. */
static inline i64 insert(store_t *st, u64 c, u64 hash, i64 parent, int via) {
    u64 h = hash & st->tmask, key = c + 1;
    for (;;) {
        u64 k = st->keys[h];
        if (!k) break;
        if (k == key) return KNOWN;
        h = (h + 1) & st->tmask;
    }
    if (st->n >= INT32_MAX) return NO_MEMORY;  /* parents are int32 */
    if (st->n == st->cap && grow_arrays(st)) return NO_MEMORY;
    i64 id = st->n++;
    st->states[id] = c; st->parent[id] = (int32_t)parent; st->via[id] = (int16_t)via;
    st->keys[h] = key;
    if ((u64)st->n * 2 > st->tmask + 1 && grow_table(st)) return NO_MEMORY;
    return id;
}

/* out: states, edges, depth, deadlocks, first deadlock, status (0 done, 1 state limit, 2 out of memory),
 * then fired[NT], inv[NI], wit[NW], sv[2 NS], sw[2 NWS], ob[6 NOB], obt[2 NOB].  sv and sw hold
 * (source id, target state): the caller turns the state into its id. */
i64 kl_explore(u64 init, i64 max_states, i64 *out, u64 **states_out, int32_t **parent_out, int16_t **via_out,
               progress_fn cb, i64 every) {
    i64 *fired = out + 6, *inv = fired + NT, *wit = inv + NI, *sv = wit + NW, *sw = sv + 2 * NS;
    i64 *ob = sw + 2 * NWS; u64 *obt = (u64 *)(ob + 6 * NOB);
    for (i64 *x = inv; x < ob + 6 * NOB; x++) *x = -1;
    for (int o = 0; o < NOB; o++) ob[6 * o] = 0;
    store_t st = {0};
    int ok = store_init(&st) == 0;
    st.tmask = (1 << 17) - 1; st.keys = big_alloc((st.tmask + 1) * sizeof *st.keys);
    i64 status = 0, edges = 0, deadlocks = 0, first_dead = -1, depth = 0;
    u64 *succ = NULL; int *tr = NULL;
    if (!ok || !st.keys) { status = 2; goto done; }
    u64 c0 = canon(init);
    insert(&st, c0, mix(c0), -1, -1);
    check_inv(c0, 0, inv); check_wit(c0, 0, wit);
    /* A block of up to BLOCK frontier states at a time: their successors, canonical forms and hashes
     * first, with a prefetch of each hash slot, then the inserts strictly in order, so ids, counts and
     * first findings are exactly those of the one-state-at-a-time search. */
    enum { BLOCK = 64 };
    succ = malloc(3 * BLOCK * (NT + 1) * sizeof *succ); tr = malloc((BLOCK * (NT + 1) + BLOCK) * sizeof *tr);
    if (!succ || !tr) { status = 2; goto done; }
    u64 *cf = succ + BLOCK * (NT + 1), *hash = cf + BLOCK * (NT + 1);
    int *cnt = tr + BLOCK * (NT + 1);
    i64 head = 0, level_end = 1;
    while (head < st.n) {
        i64 nb = st.n - head < BLOCK ? st.n - head : BLOCK, m = 0;
        for (i64 b = 0; b < nb; b++) {
            int k = successors(st.states[head + b], succ + m, tr + m);
            for (int e = 0; e < k; e++) {
                u64 c = cf[m + e] = HAVE_CANON ? canon(succ[m + e]) : succ[m + e];
                hash[m + e] = mix(c);
                __builtin_prefetch(&st.keys[hash[m + e] & st.tmask]);
            }
            cnt[b] = k; m += k;
        }
        m = 0;
        for (i64 b = 0; b < nb; b++) {
            if (head == level_end) { depth++; level_end = st.n; }
            i64 sid = head; u64 s = st.states[head++];
            int k = cnt[b];
            if (k == 0) { deadlocks++; if (first_dead < 0) first_dead = sid; }
            for (int e = 0; e < k; e++, m++) {
                u64 t = succ[m]; int i = tr[m];
                fired[i]++;
                u64 c = cf[m];
                i64 tid = insert(&st, c, hash[m], sid, i);
                if (tid == NO_MEMORY) { status = 2; goto done; }
                if (tid >= 0) { check_inv(c, tid, inv); check_wit(c, tid, wit); }
                on_edge(sid, s, i, t, (i64)c, sv, sw, ob);  /* step records name the target by its state */
            }
            edges += k;
            if (cb && every > 0 && head % every == 0) cb(st.n, edges, st.n - head);
            if (max_states > 0 && st.n > max_states) { status = 1; goto done; }
        }
    }
done:
    for (int o = 0; o < 2 * NOB; o++) obt[o] = OBT[o];
    out[0] = st.n; out[1] = edges; out[2] = depth; out[3] = deadlocks; out[4] = first_dead; out[5] = status;
    keys_free(st.keys, st.tmask + 1); free(succ); free(tr);
    *states_out = st.states; *parent_out = st.parent; *via_out = st.via;
    return status;
}

void kl_free(void *p) { free(p); }

u64 kl_canon(u64 s) { return canon(s); }

/* ---- One partition of the distributed search (model/engine/distributed/native.py) ----
 * The same compiled successors, canonical form, checks and observers as kl_explore, driven a chunk of
 * frontier at a time by a Ray actor.  Order keys (source id * NT + transition) stand for the
 * single-machine discovery order, so the first record of anything is the one with the smallest key. */

#define PS_DONE INT64_MIN  /* a committed (visited) state; otherwise the slot holds a pending order key */

typedef struct { slot_t *tab; u64 tmask; i64 n; u64 *fresh; i64 nfresh, capfresh; } pset_t;

/* The slot of `state`: where it is, or the empty slot where it would go. */
static inline slot_t *pset_slot(pset_t *p, u64 state) {
    u64 key = state + 1, h = mix(state) & p->tmask;
    while (p->tab[h].key && p->tab[h].key != key) h = (h + 1) & p->tmask;
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

i64 kl_pset_bytes(void *v) { pset_t *p = v; return (i64)((p->tmask + 1) * sizeof(slot_t) + p->capfresh * 8); }

/* Offer candidates: known (committed) states are dropped, a pending one keeps its smallest order key,
 * a new one becomes pending.  Returns 0, or -1 when out of memory. */
i64 kl_pset_offer(void *v, const u64 *states, const i64 *okeys, i64 n) {
    pset_t *p = v;
    enum { AHEAD = 16 };
    for (i64 x = 0; x < n; x++) {
        if (x + AHEAD < n) __builtin_prefetch(&p->tab[mix(states[x + AHEAD]) & p->tmask]);
        slot_t *sl = pset_slot(p, states[x]);
        if (sl->key) {
            if (sl->id != PS_DONE && okeys[x] < sl->id) sl->id = okeys[x];
            continue;
        }
        if (p->nfresh == p->capfresh) {
            i64 cap = p->capfresh ? 2 * p->capfresh : 1 << 12;
            u64 *f = realloc(p->fresh, cap * sizeof *f);
            if (!f) return -1;
            p->fresh = f; p->capfresh = cap;
        }
        sl->key = states[x] + 1; sl->id = okeys[x];
        p->fresh[p->nfresh++] = states[x];
        if ((u64)(++p->n) * 2 > p->tmask + 1 && table_grow(&p->tab, &p->tmask)) return -1;
    }
    return 0;
}

i64 kl_pset_pending(void *v) { return ((pset_t *)v)->nfresh; }

/* The pending states and their order keys (in offer order); they become committed. */
void kl_pset_take(void *v, u64 *states, i64 *okeys) {
    pset_t *p = v;
    for (i64 x = 0; x < p->nfresh; x++) {
        slot_t *sl = pset_slot(p, p->fresh[x]);
        states[x] = p->fresh[x]; okeys[x] = sl->id; sl->id = PS_DONE;
    }
    p->nfresh = 0;
}

/* Restore committed states (a checkpoint). */
i64 kl_pset_add_done(void *v, const u64 *states, i64 n) {
    pset_t *p = v;
    for (i64 x = 0; x < n; x++) {
        slot_t *sl = pset_slot(p, states[x]);
        if (sl->key) { sl->id = PS_DONE; continue; }
        sl->key = states[x] + 1; sl->id = PS_DONE;
        if ((u64)(++p->n) * 2 > p->tmask + 1 && table_grow(&p->tab, &p->tmask)) return -1;
    }
    return 0;
}

/* The partition that owns a state, from its table hash mix(state): the high 32 bits scaled to
 * [0, parts) (model/engine/distributed/store.py).  One hash an edge serves the owner and the tables
 * (which index by the low bits), and a multiply replaces a division. */
static inline i64 owner_of(u64 hash, i64 parts) { return (i64)(((hash >> 32) * (u64)parts) >> 32); }

/* Empties the scratch slots of succ[from .. to - 1] (linear probing finds each wherever it went). */
static void scratch_clear(slot_t *scratch, u64 smask, const u64 *succ, i64 from, i64 to) {
    for (i64 x = from; x < to; x++) {
        u64 h = mix(succ[x]) & smask;
        while (scratch[h].key != succ[x] + 1) h = (h + 1) & smask;
        scratch[h].key = 0;
    }
}

/* Expand n frontier states (ascending ids) of partition `me` of `parts`.  Successors it owns go
 * straight into its set `pset` (smallest order key wins there); the others are written to
 * succ_out/okey_out/owner_out, each once per run of states whose edges fit half the scratch table
 * (the first edge of a run has the smallest order key), and their count is returned (-1: out of
 * memory).  acc = fired[NT], edges, deadlocks, first deadlock.  Step checks and observers see every
 * concrete edge; step records are (source id, canonical target).  Every array has room for n * NT;
 * scratch: 2^sbits zeroed slots (small, so it stays in cache), left zeroed. */
i64 kl_expand(const u64 *states, const i64 *ids, i64 n, u64 *succ_out, i64 *okey_out, int32_t *owner_out,
              u64 *own_c, i64 *own_k, i64 *acc, i64 *sv, i64 *sw, i64 *ob, u64 *obt,
              slot_t *scratch, int sbits, void *pset, i64 parts, i64 me) {
    u64 buf[NT + 1]; int tr[NT + 1];
    u64 smask = ((u64)1 << sbits) - 1;
    i64 m = 0, e = 0, mine = 0, run_start = 0, run_edges = 0;
    for (i64 b = 0; b < n; b++) {
        if (run_edges + NT > (i64)(smask + 1) / 2) {  /* start a new run: empty the scratch table */
            scratch_clear(scratch, smask, succ_out, run_start, m);
            run_start = m; run_edges = 0;
        }
        u64 s = states[b]; i64 sid = ids[b];
        int k = successors(s, buf, tr);
        if (k == 0) { acc[NT + 1]++; if (acc[NT + 2] < 0) acc[NT + 2] = sid; }
        run_edges += k;
        for (int j = 0; j < k; j++, e++) {
            u64 t = buf[j]; int i = tr[j];
            acc[i]++;
            u64 c = HAVE_CANON ? canon(t) : t;
            on_edge(sid, s, i, t, (i64)c, sv, sw, ob);  /* step records name the target by its state */
            u64 hc = mix(c);
            i64 who = owner_of(hc, parts);
            if (who == me) { own_c[mine] = c; own_k[mine] = sid * NT + i; mine++; continue; }
            u64 h = hc & smask;
            while (scratch[h].key && scratch[h].key != c + 1) h = (h + 1) & smask;
            if (!scratch[h].key) {
                scratch[h].key = c + 1; succ_out[m] = c; okey_out[m] = sid * NT + i; owner_out[m] = (int32_t)who; m++;
            }
        }
    }
    scratch_clear(scratch, smask, succ_out, run_start, m);
    acc[NT] += e;
    /* OBT belongs to the library, not to a partition: the caller turns this call's new records into
     * its own right after the call, which is all that reads these copies. */
    for (int o = 0; o < 2 * NOB; o++) obt[o] = OBT[o];
    if (mine && kl_pset_offer(pset, own_c, own_k, mine)) return -1;
    return m;
}

/* Invariants and witnesses of newly committed states, in ascending id order (first records stick). */
void kl_check_states(const u64 *states, const i64 *ids, i64 n, i64 *inv, i64 *wit) {
    for (i64 b = 0; b < n; b++) { check_inv(states[b], ids[b], inv); check_wit(states[b], ids[b], wit); }
}

/* ---- The whole graph, for liveness (model/engine/graph.py's explore_graph, in C) ----
 * Same ids as explore_graph (breadth-first, canonical representatives under symmetry); every edge
 * whose concrete step changes the state, as its target's id and transition, with each state's
 * out-degree.  Here ids of known states are needed, so the table keeps (key, id). */

typedef struct { store_t st; slot_t *tab; u64 tmask; } gstore_t;  /* st.keys unused: the ids are in tab */

static i64 graph_id(gstore_t *g, u64 c, i64 parent, int via) {  /* id of c, added if new; -1: no memory */
    u64 h = mix(c) & g->tmask, key = c + 1;
    while (g->tab[h].key) {
        if (g->tab[h].key == key) return g->tab[h].id;
        h = (h + 1) & g->tmask;
    }
    store_t *st = &g->st;
    if (st->n >= INT32_MAX) return -1;
    if (st->n == st->cap && grow_arrays(st)) return -1;
    i64 id = st->n++;
    st->states[id] = c; st->parent[id] = (int32_t)parent; st->via[id] = (int16_t)via;
    g->tab[h].key = key; g->tab[h].id = id;
    if ((u64)st->n * 2 > g->tmask + 1 && table_grow(&g->tab, &g->tmask)) return -1;
    return id;
}

/* out: states, edges, status (0 done, 1 past max_states, 2 out of memory).  Arrays are malloc'd
 * (kl_free): states, parent, via per state; dst, tr per edge; deg per state. */
i64 kl_graph(u64 init, i64 max_states, i64 *out, u64 **states_out, int32_t **parent_out, int16_t **via_out,
             int32_t **dst_out, int16_t **tr_out, int32_t **deg_out) {
    gstore_t g = {0};
    store_t *st = &g.st;
    int ok = store_init(st) == 0;
    g.tmask = (1 << 17) - 1; g.tab = table_alloc(g.tmask + 1);
    i64 ecap = 1 << 18, dcap = st->cap, m = 0, status = 0;
    int32_t *dst = malloc(ecap * sizeof *dst), *deg = malloc(dcap * sizeof *deg); int16_t *tr = malloc(ecap * sizeof *tr);
    if (!ok || !g.tab || !dst || !deg || !tr) { status = 2; goto done; }
    graph_id(&g, canon(init), -1, -1);
    u64 buf[NT + 1]; int trb[NT + 1];
    for (i64 head = 0; head < st->n; head++) {
        u64 s = st->states[head];
        int k = successors(s, buf, trb), kept = 0;
        if (m + k > ecap) {
            ecap *= 2;
            int32_t *d = realloc(dst, ecap * sizeof *d); if (!d) { status = 2; goto done; } dst = d;
            int16_t *t = realloc(tr, ecap * sizeof *t); if (!t) { status = 2; goto done; } tr = t;
        }
        for (int e = 0; e < k; e++) {
            if (buf[e] == s) continue;  /* a no-op step is stuttering */
            i64 id = graph_id(&g, HAVE_CANON ? canon(buf[e]) : buf[e], head, trb[e]);
            if (id < 0) { status = 2; goto done; }
            if (max_states > 0 && st->n > max_states) { status = 1; goto done; }
            dst[m] = (int32_t)id; tr[m] = (int16_t)trb[e]; m++; kept++;
        }
        if (head == dcap) {
            dcap *= 2;
            int32_t *d = realloc(deg, dcap * sizeof *d); if (!d) { status = 2; goto done; } deg = d;
        }
        deg[head] = kept;
    }
done:
    out[0] = st->n; out[1] = m; out[2] = status;
    table_free(g.tab, g.tmask + 1);
    *states_out = st->states; *parent_out = st->parent; *via_out = st->via; *dst_out = dst; *tr_out = tr; *deg_out = deg;
    return status;
}
