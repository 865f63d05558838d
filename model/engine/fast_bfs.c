/* Breadth-first search over packed states; included after the generated functions
 * (successors, check_inv, check_wit, on_edge, canon) by model/engine/fast_c.py.
 * Visit order, ids and first-found records are those of model/engine/explore.py. */

typedef void (*progress_fn)(i64 states, i64 edges, i64 queue);

static inline u64 mix(u64 x) {  /* MurmurHash3's finaliser: the hash of a one-word state */
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33;
    return x;
}

static inline u64 smix(u64 x) {  /* splitmix64's finaliser, folded over the words of a wider state */
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL; x ^= x >> 27; x *= 0x94d049bb133111ebULL; x ^= x >> 31;
    return x;
}

/* A state is WORDS u64 words (st_t); the hashes are those of model/engine/distributed/store.py, whose
 * owners_of the Ray driver uses for the initial state: mix(word) for one word, else the fold. */
static inline u64 st_hash(st_t s) {
#if WORDS == 1
    return mix(s.w[0]);
#else
    u64 h = 0;
    for (int k = 0; k < WORDS; k++) h = smix(h ^ s.w[k]);
    return h;
#endif
}

static inline int st_eq(st_t a, st_t b) {
    for (int k = 0; k < WORDS; k++) if (a.w[k] != b.w[k]) return 0;
    return 1;
}

/* Table keys: the state with its first word + 1, so an all-zero key is an empty slot (word 0 never
 * uses its top bit: model/engine/system.py's Layout). */
static inline st_t st_key(st_t s) { s.w[0]++; return s; }
static inline st_t st_unkey(st_t k) { k.w[0]--; return k; }

/* What the engine has allocated, its peak, and the budget it may not pass (0: none). */
typedef struct { i64 now, peak, budget; int over; } mem_t;

static int mem_take(mem_t *m, i64 bytes) {
    if (m->budget > 0 && m->now + bytes > m->budget) { m->over = 1; return -1; }
    m->now += bytes;
    if (m->now > m->peak) m->peak = m->now;
    return 0;
}

static void mem_give(mem_t *m, i64 bytes) { m->now -= bytes; }

typedef struct { st_t key; i64 id; } slot_t;  /* key = st_key(state), 0 = empty (the partitions' sets) */

/* The search's visited table holds keys only, WORDS words a slot: it is probed at random, one cache
 * miss per edge, so the smaller the better.  Ids are not needed there: a new state's id is the count
 * so far, and edge records name a known target by its state (resolved afterwards).
 *
 * It is NSEG tables (segments) chosen by a hash's top bits, each grown on its own: growing one
 * moves 1/NSEG of the keys, so the old and new copies together are never much more than the
 * table (a single table that doubles holds both copies, three times its size, at the moment
 * that sets the peak), and the moved keys fit in the cache. */
#define NSEG 16
#define SEG_SHIFT 60
typedef struct {
    st_t *states; int32_t *parent; int16_t *via; i64 n, cap;
    st_t *seg[NSEG]; u64 smask[NSEG]; i64 scount[NSEG];
    mem_t mem;
} store_t;

/* A segment grows past 3/4 full: measured on B1 and on modern configurations, a tenth slower per
 * probe than half full, and a third less memory for the table. */
#ifndef MAXLOAD4
#define MAXLOAD4 3
#endif
#define ROW_BYTES ((i64)sizeof(st_t) + 4 + 2)  /* state, parent, transition */

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
        if (!(*tab)[h].key.w[0]) continue;
        u64 j = st_hash(st_unkey((*tab)[h].key)) & mask;
        while (t[j].key.w[0]) j = (j + 1) & mask;
        t[j] = (*tab)[h];
    }
    table_free(*tab, *tmask + 1); *tab = t; *tmask = mask;
    return 0;
}
static void keys_free(st_t *keys, u64 size) { if (keys) munmap(keys, size * sizeof *keys); }

static inline st_t *seg_slot(store_t *st, u64 hash) {
    int g = (int)(hash >> SEG_SHIFT);
    return &st->seg[g][hash & st->smask[g]];
}

/* Doubles segment g, moving its keys (rehashed from the keys themselves). */
static int grow_seg(store_t *st, int g) {
    u64 old = st->smask[g] + 1, size = old * 2, mask = size - 1;
    if (mem_take(&st->mem, (i64)(size * sizeof(st_t)))) return -1;
    st_t *keys = big_alloc(size * sizeof *keys);
    if (!keys) return -1;
    st_t *from = st->seg[g];
    for (u64 h = 0; h < old; h++) {
        if (!from[h].w[0]) continue;
        u64 j = st_hash(st_unkey(from[h])) & mask;
        while (keys[j].w[0]) j = (j + 1) & mask;
        keys[j] = from[h];
    }
    keys_free(from, old); mem_give(&st->mem, (i64)(old * sizeof(st_t)));
    st->seg[g] = keys; st->smask[g] = mask;
    return 0;
}

static int segs_init(store_t *st) {  /* 2^13 slots a segment to start: 2^17 in all */
    for (int g = 0; g < NSEG; g++) {
        st->smask[g] = (1 << 13) - 1;
        if (mem_take(&st->mem, (i64)((st->smask[g] + 1) * sizeof(st_t)))) return -1;
        if (!(st->seg[g] = big_alloc((st->smask[g] + 1) * sizeof(st_t)))) return -1;
    }
    return 0;
}

static void segs_free(store_t *st) {
    for (int g = 0; g < NSEG; g++) keys_free(st->seg[g], st->smask[g] + 1);
}

/* Grows states, parents and transitions by half (less slack at the peak than doubling). */
static int grow_arrays(store_t *st) {
    i64 cap = st->cap + st->cap / 2;
    if (mem_take(&st->mem, (cap - st->cap) * ROW_BYTES)) return -1;
    st_t *s = realloc(st->states, cap * sizeof *s); if (!s) return -1; st->states = s;
    int32_t *p = realloc(st->parent, cap * sizeof *p); if (!p) return -1; st->parent = p;
    int16_t *v = realloc(st->via, cap * sizeof *v); if (!v) return -1; st->via = v;
    st->cap = cap;
    return 0;
}

static int store_init(store_t *st, i64 budget) {  /* states, parents, transitions: room for 2^16 to start */
    st->mem.budget = budget;
    st->cap = 1 << 16;
    if (mem_take(&st->mem, st->cap * ROW_BYTES)) return -1;
    st->states = malloc(st->cap * sizeof *st->states); st->parent = malloc(st->cap * sizeof *st->parent);
    st->via = malloc(st->cap * sizeof *st->via);
    return st->states && st->parent && st->via ? 0 : -1;
}

enum { KNOWN = -2, NO_MEMORY = -1 };

/* Inserts c (with parent/via) if new and returns its id; KNOWN if it was there; NO_MEMORY. */
static inline i64 insert(store_t *st, st_t c, u64 hash, i64 parent, int via) {
    int g = (int)(hash >> SEG_SHIFT);
    st_t *keys = st->seg[g];
    u64 mask = st->smask[g], h = hash & mask;
    st_t key = st_key(c);
    for (;;) {
        st_t k = keys[h];
        if (!k.w[0]) break;
        if (st_eq(k, key)) return KNOWN;
        h = (h + 1) & mask;
    }
    if (st->n >= INT32_MAX) return NO_MEMORY;  /* parents are int32 */
    if (st->n == st->cap && grow_arrays(st)) return NO_MEMORY;
    i64 id = st->n++;
    st->states[id] = c; st->parent[id] = (int32_t)parent; st->via[id] = (int16_t)via;
    keys[h] = key;
    if ((u64)++st->scount[g] * 4 > (mask + 1) * MAXLOAD4 && grow_seg(st, g)) return NO_MEMORY;
    return id;
}

/* Status of a search that stopped: 1 past max_states, 2 out of memory, 3 past the memory budget. */
static i64 stop_status(store_t *st) { return st->mem.over ? 3 : 2; }

/* out: states, edges, depth, deadlocks, first deadlock, status (0 done, 1 state limit, 2 out of memory,
 * 3 over the budget), peak bytes, then fired[NT], inv[NI], wit[NW], sv[2 NS], sw[2 NWS], ob[6 NOB].
 * recs: WORDS words each of obt[2 NOB], svt[NS], swt[NWS] (the targets of the first records; the caller
 * turns a stored target into its id). */
i64 kl_explore(const u64 *init_words, i64 max_states, i64 budget, i64 *out, u64 *recs, st_t **states_out,
               int32_t **parent_out, int16_t **via_out, progress_fn cb, i64 every) {
    i64 *fired = out + 7, *inv = fired + NT, *wit = inv + NI, *sv = wit + NW, *sw = sv + 2 * NS;
    i64 *ob = sw + 2 * NWS;
    for (i64 *x = inv; x < ob + 6 * NOB; x++) *x = -1;
    for (int o = 0; o < NOB; o++) ob[6 * o] = 0;
    store_t st = {0};
    int ok = store_init(&st, budget) == 0;
    ok = ok && segs_init(&st) == 0;
    i64 status = 0, edges = 0, deadlocks = 0, first_dead = -1, depth = 0;
    st_t *succ = NULL; int *tr = NULL;
    if (!ok) { status = stop_status(&st); goto done; }
    st_t init; memcpy(&init, init_words, sizeof init);
    st_t c0 = canon(init);
    insert(&st, c0, st_hash(c0), -1, -1);
    check_inv(c0, 0, inv); check_wit(c0, 0, wit);
    /* A block of up to BLOCK frontier states at a time: their successors, canonical forms and hashes
     * first, with a prefetch of each hash slot, then the inserts strictly in order, so ids, counts and
     * first findings are exactly those of the one-state-at-a-time search. */
    enum { BLOCK = 64 };
    succ = malloc(2 * BLOCK * (NT + 1) * sizeof *succ);
    u64 *hash = malloc(BLOCK * (NT + 1) * sizeof *hash);
    tr = malloc((BLOCK * (NT + 1) + BLOCK) * sizeof *tr);
    if (!succ || !tr || !hash) { free(hash); status = 2; goto done; }
    st_t *cf = succ + BLOCK * (NT + 1);
    int *cnt = tr + BLOCK * (NT + 1);
    i64 head = 0, level_end = 1;
    while (head < st.n) {
        i64 nb = st.n - head < BLOCK ? st.n - head : BLOCK, m = 0;
        for (i64 b = 0; b < nb; b++) {
            int k = successors(st.states[head + b], succ + m, tr + m);
            for (int e = 0; e < k; e++) {
                st_t c = cf[m + e] = HAVE_CANON ? canon(succ[m + e]) : succ[m + e];
                hash[m + e] = st_hash(c);
                __builtin_prefetch(seg_slot(&st, hash[m + e]));
            }
            cnt[b] = k; m += k;
        }
        m = 0;
        for (i64 b = 0; b < nb; b++) {
            if (head == level_end) { depth++; level_end = st.n; }
            i64 sid = head; st_t s = st.states[head++];
            int k = cnt[b];
            if (k == 0) { deadlocks++; if (first_dead < 0) first_dead = sid; }
            for (int e = 0; e < k; e++, m++) {
                st_t t = succ[m]; int i = tr[m];
                fired[i]++;
                st_t c = cf[m];
                i64 tid = insert(&st, c, hash[m], sid, i);
                if (tid == NO_MEMORY) { free(hash); status = stop_status(&st); goto done; }
                if (tid >= 0) { check_inv(c, tid, inv); check_wit(c, tid, wit); }
                on_edge(sid, s, i, t, c, sv, sw, ob);  /* step records name the target by its state */
            }
            edges += k;
            if (cb && every > 0 && head % every == 0) cb(st.n, edges, st.n - head);
            if (max_states > 0 && st.n > max_states) { free(hash); status = 1; goto done; }
        }
    }
    free(hash);
done:
    memcpy(recs, OBT, 2 * NOB * sizeof(st_t));
    memcpy(recs + 2 * NOB * WORDS, SVT, NS * sizeof(st_t));
    memcpy(recs + (2 * NOB + NS) * WORDS, SWT, NWS * sizeof(st_t));
    out[0] = st.n; out[1] = edges; out[2] = depth; out[3] = deadlocks; out[4] = first_dead; out[5] = status;
    out[6] = st.mem.peak;
    segs_free(&st); free(succ); free(tr);
    *states_out = st.states; *parent_out = st.parent; *via_out = st.via;
    return status;
}

void kl_free(void *p) { free(p); }

/* ---- The whole graph, for liveness (model/engine/graph.py's explore_graph, in C) ----
 * Same ids as explore_graph (breadth-first, canonical representatives under symmetry); every edge
 * whose concrete step changes the state, as its target's id and transition, with each state's
 * out-degree.  Here ids of known states are needed, so the table keeps (key, id). */

typedef struct { store_t st; slot_t *tab; u64 tmask; } gstore_t;  /* st.seg unused: the ids are in tab */

static i64 graph_id(gstore_t *g, st_t c, i64 parent, int via) {  /* id of c, added if new; -1: no memory */
    st_t key = st_key(c);
    u64 h = st_hash(c) & g->tmask;
    while (g->tab[h].key.w[0]) {
        if (st_eq(g->tab[h].key, key)) return g->tab[h].id;
        h = (h + 1) & g->tmask;
    }
    store_t *st = &g->st;
    if (st->n >= INT32_MAX) return -1;
    if (st->n == st->cap && grow_arrays(st)) return -1;
    i64 id = st->n++;
    st->states[id] = c; st->parent[id] = (int32_t)parent; st->via[id] = (int16_t)via;
    g->tab[h].key = key; g->tab[h].id = id;
    if ((u64)st->n * 2 > g->tmask + 1) {
        i64 was = (i64)((g->tmask + 1) * sizeof(slot_t));  /* the table doubles, the old one freed after */
        if (mem_take(&st->mem, 2 * was) || table_grow(&g->tab, &g->tmask)) return -1;
        mem_give(&st->mem, was);
    }
    return id;
}

/* out: states, edges, status (0 done, 1 past max_states, 2 out of memory, 3 over the budget), peak
 * bytes.  Arrays are malloc'd (kl_free): states, parent, via per state; dst, tr per edge; deg per state. */
i64 kl_graph(const u64 *init_words, i64 max_states, i64 budget, i64 *out, st_t **states_out, int32_t **parent_out,
             int16_t **via_out, int32_t **dst_out, int16_t **tr_out, int32_t **deg_out) {
    gstore_t g = {0};
    store_t *st = &g.st;
    int ok = store_init(st, budget) == 0;
    g.tmask = (1 << 17) - 1;
    i64 ecap = 1 << 18, dcap = st->cap, m = 0, status = 0;
    ok = ok && !mem_take(&st->mem, (i64)((g.tmask + 1) * sizeof(slot_t)) + ecap * 6 + dcap * 4);
    if (ok) g.tab = table_alloc(g.tmask + 1);
    int32_t *dst = malloc(ecap * sizeof *dst), *deg = malloc(dcap * sizeof *deg); int16_t *tr = malloc(ecap * sizeof *tr);
    if (!ok || !g.tab || !dst || !deg || !tr) { status = stop_status(st); goto done; }
    st_t init; memcpy(&init, init_words, sizeof init);
    graph_id(&g, canon(init), -1, -1);
    st_t buf[NT + 1]; int trb[NT + 1];
    for (i64 head = 0; head < st->n; head++) {
        st_t s = st->states[head];
        int k = successors(s, buf, trb), kept = 0;
        if (m + k > ecap) {
            if (mem_take(&st->mem, ecap * 6)) { status = 3; goto done; }
            ecap *= 2;
            int32_t *d = realloc(dst, ecap * sizeof *d); if (!d) { status = 2; goto done; } dst = d;
            int16_t *t = realloc(tr, ecap * sizeof *t); if (!t) { status = 2; goto done; } tr = t;
        }
        for (int e = 0; e < k; e++) {
            if (st_eq(buf[e], s)) continue;  /* a no-op step is stuttering */
            i64 id = graph_id(&g, HAVE_CANON ? canon(buf[e]) : buf[e], head, trb[e]);
            if (id < 0) { status = stop_status(st); goto done; }
            if (max_states > 0 && st->n > max_states) { status = 1; goto done; }
            dst[m] = (int32_t)id; tr[m] = (int16_t)trb[e]; m++; kept++;
        }
        if (head == dcap) {
            if (mem_take(&st->mem, dcap * 4)) { status = 3; goto done; }
            dcap *= 2;
            int32_t *d = realloc(deg, dcap * sizeof *d); if (!d) { status = 2; goto done; } deg = d;
        }
        deg[head] = kept;
    }
done:
    out[0] = st->n; out[1] = m; out[2] = status; out[3] = st->mem.peak;
    table_free(g.tab, g.tmask + 1);
    *states_out = st->states; *parent_out = st->parent; *via_out = st->via; *dst_out = dst; *tr_out = tr; *deg_out = deg;
    return status;
}
