/* Breadth-first search over packed states; included after the generated functions
 * (successors, check_inv, check_wit, on_edge, canon) by model/engine/fast_c.py.
 * Visit order, ids and first-found records are those of model/engine/explore.py. */

typedef void (*progress_fn)(i64 states, i64 edges, i64 queue);

static inline u64 mix(u64 x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33;
    return x;
}

typedef struct { u64 key; i64 id; } slot_t;  /* key = state + 1, 0 = empty; one cache line per probe */

typedef struct {
    u64 *states; int32_t *parent; int16_t *via; i64 n, cap;
    slot_t *tab; u64 tmask;
} store_t;

/* The visited table is probed at random, one cache miss per edge: it lives on huge pages where the
 * kernel allows them (fewer TLB misses), and the search prefetches a block of probes ahead. */
static slot_t *table_alloc(u64 size) {
    size_t bytes = size * sizeof(slot_t);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    if (bytes >= (1u << 21)) madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;  /* anonymous pages are zero: every slot empty */
}

static void table_free(slot_t *tab, u64 size) { if (tab) munmap(tab, size * sizeof(slot_t)); }

static int grow_table(store_t *st) {
    u64 size = (st->tmask + 1) * 2;
    slot_t *tab = table_alloc(size);
    if (!tab) return -1;
    for (i64 id = 0; id < st->n; id++) {
        u64 h = mix(st->states[id]) & (size - 1);
        while (tab[h].key) h = (h + 1) & (size - 1);
        tab[h].key = st->states[id] + 1; tab[h].id = id;
    }
    table_free(st->tab, st->tmask + 1); st->tab = tab; st->tmask = size - 1;
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

/* Returns the id of c, inserting it (with parent/via) if new; *fresh says which. -1 on out of memory. */
static inline i64 lookup_insert(store_t *st, u64 c, u64 hash, i64 parent, int via, int *fresh) {
    u64 h = hash & st->tmask, key = c + 1;
    for (;;) {
        u64 k = st->tab[h].key;
        if (!k) break;
        if (k == key) { *fresh = 0; return st->tab[h].id; }
        h = (h + 1) & st->tmask;
    }
    if (st->n >= INT32_MAX) return -1;  /* parents are int32 */
    if (st->n == st->cap && grow_arrays(st)) return -1;
    i64 id = st->n++;
    st->states[id] = c; st->parent[id] = (int32_t)parent; st->via[id] = (int16_t)via;
    st->tab[h].key = key; st->tab[h].id = id;
    *fresh = 1;
    if ((u64)st->n * 2 > st->tmask + 1 && grow_table(st)) return -1;
    return id;
}

/* out: states, edges, depth, deadlocks, first deadlock, status (0 done, 1 state limit, 2 out of memory),
 * then fired[NT], inv[NI], wit[NW], sv[2 NS], sw[2 NWS], ob[6 NOB], obt[2 NOB]. */
i64 kl_explore(u64 init, i64 max_states, i64 *out, u64 **states_out, int32_t **parent_out, int16_t **via_out,
               progress_fn cb, i64 every) {
    i64 *fired = out + 6, *inv = fired + NT, *wit = inv + NI, *sv = wit + NW, *sw = sv + 2 * NS;
    i64 *ob = sw + 2 * NWS; u64 *obt = (u64 *)(ob + 6 * NOB);
    for (i64 *x = inv; x < ob + 6 * NOB; x++) *x = -1;
    for (int o = 0; o < NOB; o++) ob[6 * o] = 0;
    store_t st = {0};
    st.cap = 1 << 16;
    st.states = malloc(st.cap * sizeof *st.states); st.parent = malloc(st.cap * sizeof *st.parent);
    st.via = malloc(st.cap * sizeof *st.via);
    st.tmask = (1 << 17) - 1; st.tab = table_alloc(st.tmask + 1);
    i64 status = 0, edges = 0, deadlocks = 0, first_dead = -1, depth = 0;
    u64 *succ = NULL; int *tr = NULL;
    if (!st.states || !st.parent || !st.via || !st.tab) { status = 2; goto done; }
    int fresh;
    u64 c0 = canon(init);
    lookup_insert(&st, c0, mix(c0), -1, -1, &fresh);
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
                __builtin_prefetch(&st.tab[hash[m + e] & st.tmask]);
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
                i64 tid = lookup_insert(&st, c, hash[m], sid, i, &fresh);
                if (tid < 0) { status = 2; goto done; }
                if (fresh) { check_inv(c, tid, inv); check_wit(c, tid, wit); }
                on_edge(sid, s, i, t, tid, sv, sw, ob);
            }
            edges += k;
            if (cb && every > 0 && head % every == 0) cb(st.n, edges, st.n - head);
            if (max_states > 0 && st.n > max_states) { status = 1; goto done; }
        }
    }
done:
    for (int o = 0; o < 2 * NOB; o++) obt[o] = OBT[o];
    out[0] = st.n; out[1] = edges; out[2] = depth; out[3] = deadlocks; out[4] = first_dead; out[5] = status;
    table_free(st.tab, st.tmask + 1); free(succ); free(tr);
    *states_out = st.states; *parent_out = st.parent; *via_out = st.via;
    return status;
}

void kl_free(void *p) { free(p); }

u64 kl_canon(u64 s) { return canon(s); }
