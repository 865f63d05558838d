/* Breadth-first search over packed states; included after the generated functions
 * (successors, check_inv, check_wit, on_edge, canon) by model/engine/fast_c.py.
 * Visit order, ids and first-found records are those of model/engine/explore.py. */

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

/* The search's visited table is NSEG tables (segments) chosen by a hash's top bits, each grown on its
 * own: growing one moves 1/NSEG of the entries, so the old and new copies together are never much
 * more than the table (a single table that doubles holds both copies, three times its size, at the
 * moment that sets the peak).
 *
 * A segment holds keys (the states themselves, WORDS words a slot) while they fit the memory budget:
 * it is probed at random, one cache miss an edge, and a key answers the probe alone.  When the next
 * allocation would pass the budget, the table is rebuilt to hold 4-byte ids of the states in the
 * rows (ids mode): half the table for one-word states, a quarter for two-word ones, at the price of
 * reading the stored state to confirm a match (a second cache miss: the inserter prefetches slots 48
 * edges ahead and the states they name 16 ahead; measured 8-20 % slower than keys).
 * An id slot is id + 1 (0: empty) with the hash's bit 40 in its top bit, so that half the foreign
 * entries a probe meets are told apart without reading their state. */
#define NSEG 16
#define SEG_SHIFT 60
typedef int (*progress_fn)(i64 states, i64 edges, i64 queue);  /* nonzero: stop (Ctrl-C) */
#define TAGBIT 0x80000000u
#define TAG(hash) ((uint32_t)((hash) >> 9) & TAGBIT)
typedef struct {
    st_t *states; int32_t *parent; int16_t *via; i64 n, cap, charged, row_bytes;  /* cap: rows reserved; charged: counted */
    void *seg[NSEG]; u64 smask[NSEG]; i64 scount[NSEG]; int ids;
    mem_t mem;
    progress_fn cb; int stopped;  /* the rebuild as ids asks cb whether to go on */
} store_t;

/* A segment grows past 3/4 full: measured on B1 and on modern configurations, a tenth slower per
 * probe than half full, and a third less memory for the table. */
#ifndef MAXLOAD4
#define MAXLOAD4 3
#endif
#define SLOT_BYTES(st) ((st)->ids ? (i64)sizeof(uint32_t) : (i64)sizeof(st_t))

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

static inline void *seg_slot(store_t *st, u64 hash) {
    int g = (int)(hash >> SEG_SHIFT);
    return (char *)st->seg[g] + (hash & st->smask[g]) * SLOT_BYTES(st);
}

/* Puts id into an id segment (a rebuild: the state is known to be absent). */
static inline void put_id(uint32_t *ids, u64 mask, u64 hash, i64 id) {
    u64 j = hash & mask;
    while (ids[j]) j = (j + 1) & mask;
    ids[j] = (uint32_t)(id + 1) | TAG(hash);
}

/* Doubles segment g, moving its entries (rehashed from the keys, or from the states of the ids). */
static int grow_seg(store_t *st, int g) {
    u64 old = st->smask[g] + 1, size = old * 2, mask = size - 1;
    i64 sb = SLOT_BYTES(st);
    if (mem_take(&st->mem, (i64)size * sb)) return -1;
    void *to = big_alloc(size * sb);
    if (!to) return -1;
    if (!st->ids) {
        st_t *from = st->seg[g], *keys = to;
        for (u64 h = 0; h < old; h++) {
            if (!from[h].w[0]) continue;
            u64 j = st_hash(st_unkey(from[h])) & mask;
            while (keys[j].w[0]) j = (j + 1) & mask;
            keys[j] = from[h];
        }
    } else {  /* a batch of states read ahead: each is a cache miss */
        enum { B = 64 };
        uint32_t *from = st->seg[g], v[B];
        for (u64 h = 0; h < old;) {
            int k = 0;
            for (; h < old && k < B; h++) if (from[h]) __builtin_prefetch(st->states + ((v[k++] = from[h]) & ~TAGBIT) - 1);
            for (int x = 0; x < k; x++) put_id(to, mask, st_hash(st->states[(v[x] & ~TAGBIT) - 1]), (v[x] & ~TAGBIT) - 1);
        }
    }
    munmap(st->seg[g], old * sb); mem_give(&st->mem, (i64)old * sb);
    st->seg[g] = to; st->smask[g] = mask;
    return 0;
}

static int segs_init(store_t *st) {  /* 2^13 slots a segment to start: 2^17 in all */
    for (int g = 0; g < NSEG; g++) {
        st->smask[g] = (1 << 13) - 1;
        if (mem_take(&st->mem, (i64)(st->smask[g] + 1) * SLOT_BYTES(st))) return -1;
        if (!(st->seg[g] = big_alloc((st->smask[g] + 1) * SLOT_BYTES(st)))) return -1;
    }
    return 0;
}

static void segs_free(store_t *st) {
    for (int g = 0; g < NSEG; g++) if (st->seg[g]) munmap(st->seg[g], (st->smask[g] + 1) * SLOT_BYTES(st));
}

/* Rebuilds the table as ids (same slots, half or less the bytes): the keys are freed first, then
 * every stored state's id is put back from the rows, which hold the same set; the memory in use
 * never rises.  0, or -1 when even that cannot be allocated. */
static int to_ids(store_t *st) {
    i64 ks = (i64)sizeof(st_t);
    for (int g = 0; g < NSEG; g++) { munmap(st->seg[g], (st->smask[g] + 1) * ks); mem_give(&st->mem, (i64)(st->smask[g] + 1) * ks); st->seg[g] = NULL; }
    st->ids = 1; st->mem.over = 0;
    for (int g = 0; g < NSEG; g++) {
        mem_take(&st->mem, (i64)(st->smask[g] + 1) * 4);
        if (!(st->seg[g] = big_alloc((st->smask[g] + 1) * 4))) return -1;
    }
    enum { B = 256 };
    u64 hs[B];
    for (i64 id = 0; id < st->n; id += B) {  /* hashes of a batch, its slots prefetched, then put */
        if (st->cb && (id & ((1 << 22) - 1)) == 0 && st->cb(st->n, 0, st->n)) { st->stopped = 1; return -1; }
        int k = st->n - id < B ? (int)(st->n - id) : B;
        for (int x = 0; x < k; x++) { hs[x] = st_hash(st->states[id + x]); __builtin_prefetch(seg_slot(st, hs[x])); }
        for (int x = 0; x < k; x++) { int g = (int)(hs[x] >> SEG_SHIFT); put_id(st->seg[g], st->smask[g], hs[x], id + x); }
    }
    return 0;
}

/* The rows (states, parents, transitions) are reserved once, as address space only (MAP_NORESERVE):
 * pages are taken as rows are written, so the arrays never move (the expander reads them without a
 * lock) and carry no grown copy's slack.  Each mapping starts with a page that records its length
 * (kl_unmap).  The budget is charged a chunk of rows at a time. */
enum { ROW_CHUNK = 1 << 16, HEAD = 4096 };

static void *reserve(size_t bytes) {
    bytes += HEAD;
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);  /* in ids mode the states are read at random */
#endif
    *(size_t *)p = bytes;
    return p + HEAD;
}

void kl_unmap(void *p) { if (p) { char *b = (char *)p - HEAD; munmap(b, *(size_t *)b); } }

/* Rows of state and parent; with_via, also the transition (the graph keeps it; the search's caller
 * recomputes it from the parent for the few states on a trace, 2 bytes a state saved). */
static int store_init(store_t *st, i64 budget, int with_via) {
    st->mem.budget = budget;
    st->row_bytes = (i64)sizeof(st_t) + 4 + (with_via ? 2 : 0);
    i64 cap = INT32_MAX;  /* parents are int32 */
    if (budget > 0 && budget / st->row_bytes + ROW_CHUNK < cap) cap = budget / st->row_bytes + ROW_CHUNK;
    for (;; cap /= 2) {  /* a system that will not reserve that much address space: less */
        st->states = reserve(cap * sizeof(st_t)); st->parent = reserve(cap * 4);
        st->via = with_via ? reserve(cap * 2) : NULL;
        if (st->states && st->parent && (st->via || !with_via)) break;
        kl_unmap(st->states); kl_unmap(st->parent); kl_unmap(st->via);
        if (cap <= ROW_CHUNK) return -1;
    }
    st->cap = cap;
    return 0;
}

/* Room for one more row: 0, or -1 past the budget or the reservation. */
static inline int row_room(store_t *st) {
    if (st->n < st->charged) return 0;
    if (st->n >= st->cap || mem_take(&st->mem, ROW_CHUNK * st->row_bytes)) return -1;
    st->charged += ROW_CHUNK;
    return 0;
}

enum { KNOWN = -2, NO_MEMORY = -1 };

/* Inserts c (with its parent) if new and returns its id; KNOWN if it was there; NO_MEMORY.  The caller
 * makes room for a row first (row_room). */
static inline __attribute__((always_inline)) i64 insert(store_t *st, st_t c, u64 hash, i64 parent) {
    int g = (int)(hash >> SEG_SHIFT);
    u64 mask = st->smask[g], h = hash & mask;
    uint32_t tag = TAG(hash);
    if (!st->ids) {
        st_t *keys = st->seg[g], key = st_key(c);
        for (;; h = (h + 1) & mask) {
            st_t k = keys[h];
            if (!k.w[0]) break;
            if (st_eq(k, key)) return KNOWN;
        }
        keys[h] = key;
    } else {
        uint32_t *ids = st->seg[g];
        for (;; h = (h + 1) & mask) {
            uint32_t v = ids[h];
            if (!v) break;
            if ((v & TAGBIT) == tag && st_eq(st->states[(v & ~TAGBIT) - 1], c)) return KNOWN;
        }
        ids[h] = (uint32_t)(st->n + 1) | tag;
    }
    i64 id = st->n++;
    st->states[id] = c; st->parent[id] = (int32_t)parent;
    if ((u64)++st->scount[g] * 4 > (mask + 1) * MAXLOAD4 && grow_seg(st, g)) {
        if (st->ids || !st->mem.over || to_ids(st) || grow_seg(st, g)) return NO_MEMORY;
    }
    return id;
}

/* Room for a row, rebuilding the table as ids if that is what it takes (the search's caller, which
 * checks n < charged itself: this is off the per-edge path). */
static int make_room(store_t *st) {
    if (!row_room(st)) return 0;
    if (st->ids || !st->mem.over || to_ids(st)) return -1;
    return row_room(st);
}

/* Status of a search that stopped: 1 past max_states, 2 out of memory, 3 past the memory budget, 4 stopped
 * by the caller during a rebuild (Ctrl-C). */
static i64 stop_status(store_t *st) { return st->stopped ? 4 : st->mem.over ? 3 : 2; }

/* ---- The search: an expander and an inserter over blocks of frontier states ----
 * The expander takes up to BLOCK frontier states in id order and computes what depends on a state
 * alone: its invariant checks, its successors with their canonical forms and hashes, and the step
 * properties, witnesses and observers of each edge.  The inserter takes the blocks in the same order,
 * prefetches every hash slot of the block, then inserts the targets strictly in order, so ids, counts
 * and first findings are exactly those of the one-state-at-a-time search (model/engine/explore.py).
 * One thread does both in turn; past THREAD_AFTER states, when asked for two threads, the expander
 * runs on a thread of its own, RING blocks ahead at most.  Invariants are checked when a state is
 * expanded rather than when it is found: every state of a finished search is expanded, in id order,
 * so the first violation is the same state. */

#ifndef RING
#define RING 8
#endif
enum { BLOCK = 64 };

typedef struct {
    i64 head, nb, m;   /* sources head .. head + nb - 1, m successors in all */
    int cnt[BLOCK];
    st_t *succ, *cf; u64 *hash; int *tr;
} blk_t;

typedef struct {
    store_t *st;
    blk_t ring[RING];
    _Atomic i64 published;  /* states the inserter has stored (the expander may read those) */
    _Atomic i64 produced, consumed;  /* blocks */
    _Atomic int stop, done;
    i64 head;               /* the expander's next source */
    /* the expander's findings */
    i64 *fired, *inv, *wit, *sv, *sw, *ob, deadlocks, first_dead;
} pipe_t;

static void expand_block(pipe_t *p, blk_t *blk, i64 head, i64 nb) {
    st_t src[BLOCK];
    memcpy(src, p->st->states + head, nb * sizeof *src);  /* published rows: they never move */
    i64 m = 0;
    for (i64 b = 0; b < nb; b++) {
        i64 sid = head + b;
        st_t s = src[b];
        check_inv(s, sid, p->inv); check_wit(s, sid, p->wit);
        int k = successors(s, blk->succ + m, blk->tr + m);
        if (k == 0) { p->deadlocks++; if (p->first_dead < 0) p->first_dead = sid; }
        for (int e = 0; e < k; e++) {
            st_t c = blk->cf[m + e] = HAVE_CANON ? canon(blk->succ[m + e]) : blk->succ[m + e];
            blk->hash[m + e] = st_hash(c);
            p->fired[blk->tr[m + e]]++;
            on_edge(sid, s, blk->tr[m + e], blk->succ[m + e], c, p->sv, p->sw, p->ob);
        }
        blk->cnt[b] = k; m += k;
    }
    blk->head = head; blk->nb = nb; blk->m = m;
}

/* The expander thread: blocks while there are frontier states and room in the ring. */
static void *expander(void *arg) {
    pipe_t *p = arg;
    int idle = 0;
    while (!atomic_load_explicit(&p->stop, memory_order_acquire)) {
        i64 prod = atomic_load_explicit(&p->produced, memory_order_relaxed);
        i64 cons = atomic_load_explicit(&p->consumed, memory_order_acquire);
        i64 n = atomic_load_explicit(&p->published, memory_order_acquire);
        if (prod - cons < RING && p->head < n) {
            i64 nb = n - p->head < BLOCK ? n - p->head : BLOCK;
            expand_block(p, &p->ring[prod % RING], p->head, nb);
            p->head += nb;
            atomic_store_explicit(&p->produced, prod + 1, memory_order_release);
            idle = 0;
            continue;
        }
        if (p->head >= n && cons == prod) {  /* nothing expanded is pending: no state can come */
            if (atomic_load_explicit(&p->published, memory_order_acquire) == n) {
                atomic_store_explicit(&p->done, 1, memory_order_release);
                break;
            }
            continue;
        }
        if (++idle > 64) sched_yield();
    }
    return NULL;
}


/* out: states, edges, depth, deadlocks, first deadlock, status (0 done, 1 state limit, 2 out of memory,
 * 3 over the budget, 4 stopped by the caller's progress function), peak bytes, 1 if the table was rebuilt
 * as ids, then fired[NT], inv[NI],
 * wit[NW], sv[2 NS], sw[2 NWS], ob[6 NOB].  recs: WORDS words each of obt[2 NOB], svt[NS], swt[NWS]
 * (the targets of the first records; the caller turns a stored target into its id).  threads: 2 puts
 * the expander on its own thread once the search passes thread_after states. */
i64 kl_explore(const u64 *init_words, i64 max_states, i64 budget, i64 *out, u64 *recs, st_t **states_out,
               int32_t **parent_out, progress_fn cb, i64 every, int threads, i64 thread_after) {
    pipe_t p = {0};
    store_t st = {0};
    p.st = &st;
    p.fired = out + 8; p.inv = p.fired + NT; p.wit = p.inv + NI; p.sv = p.wit + NW; p.sw = p.sv + 2 * NS;
    p.ob = p.sw + 2 * NWS; p.first_dead = -1;
    for (i64 *x = p.inv; x < p.ob + 6 * NOB; x++) *x = -1;
    for (int o = 0; o < NOB; o++) p.ob[6 * o] = 0;
    st.cb = cb;
    int ok = store_init(&st, budget, 0) == 0 && segs_init(&st) == 0;
    i64 status = 0, edges = 0, depth = 0, level_end = 1, head = 0, next_cb = every;
    int threaded = 0;
    pthread_t th;
    enum { PF_AHEAD = 96, D_SLOT = 48, D_STATE = 16 };
    i64 pf_block = 0, pf_edge = 0, pf_done = 0, ins_done = 0;  /* the threaded prefetch stream */
    for (int r = 0; ok && r < RING; r++) {
        blk_t *blk = &p.ring[r];
        blk->succ = malloc(2 * BLOCK * (NT + 1) * sizeof *blk->succ);
        blk->hash = malloc(BLOCK * (NT + 1) * sizeof *blk->hash);
        blk->tr = malloc(BLOCK * (NT + 1) * sizeof *blk->tr);
        ok = blk->succ && blk->hash && blk->tr;
        if (ok) blk->cf = blk->succ + BLOCK * (NT + 1);
    }
    if (!ok) { status = stop_status(&st); goto done; }
    st_t init; memcpy(&init, init_words, sizeof init);
    st_t c0 = canon(init);
    if (make_room(&st)) { status = stop_status(&st); goto done; }
    insert(&st, c0, st_hash(c0), -1);
    atomic_store(&p.published, st.n);
    for (;;) {
        blk_t *blk;
        i64 cons = atomic_load_explicit(&p.consumed, memory_order_relaxed);
        if (threaded) {  /* wait for the expander's next block, or its word that the search is over */
            int idle = 0;
            while (atomic_load_explicit(&p.produced, memory_order_acquire) == cons) {
                if (atomic_load_explicit(&p.done, memory_order_acquire)) goto finished;
                if (++idle > 64) sched_yield();
            }
            blk = &p.ring[cons % RING];
        } else {
            if (p.head >= st.n) break;
            i64 nb = st.n - p.head < BLOCK ? st.n - p.head : BLOCK;
            blk = &p.ring[0];
            expand_block(&p, blk, p.head, nb);
            p.head += nb;
        }
        /* (the prefetch loops stay in this function: GCC takes a function of prefetches alone for
         * pure, and drops its calls) */
        if (st.ids) {  /* the first slots of the block; the per-edge stream below does the rest */
            for (i64 e = 0; e < blk->m && e < D_SLOT; e++) __builtin_prefetch(seg_slot(&st, blk->hash[e]));
        } else if (!threaded) {  /* the block's slots at once */
            for (i64 e = 0; e < blk->m; e++) __builtin_prefetch(seg_slot(&st, blk->hash[e]));
        } else if (pf_block < cons) {  /* the prefetch stream fell behind (it waits for blocks): restart */
            pf_block = cons; pf_edge = 0; pf_done = ins_done;
        }
        i64 m = 0;
        for (i64 b = 0; b < blk->nb; b++) {
            i64 sid = blk->head + b;
            if (sid == level_end) { depth++; level_end = st.n; }
            int k = blk->cnt[b];
            for (int e = 0; e < k; e++, m++) {
                /* threaded: a prefetch stream PF_AHEAD edges ahead, into the blocks already expanded */
                while (threaded && !st.ids && pf_done < ins_done + PF_AHEAD) {
                    if (pf_block >= atomic_load_explicit(&p.produced, memory_order_acquire)) break;
                    blk_t *pb = &p.ring[pf_block % RING];
                    if (pf_edge >= pb->m) { pf_block++; pf_edge = 0; continue; }
                    __builtin_prefetch(seg_slot(&st, pb->hash[pf_edge++]));
                    pf_done++;
                }
                ins_done++;
                if (st.ids) {  /* ids mode: a slot D_SLOT edges ahead, and the state named by the slot D_STATE ahead */
                    if (m + D_SLOT < blk->m) __builtin_prefetch(seg_slot(&st, blk->hash[m + D_SLOT]));
                    if (m + D_STATE < blk->m) {
                        u64 hh = blk->hash[m + D_STATE];
                        uint32_t v = *(uint32_t *)seg_slot(&st, hh);
                        if (v && (v & TAGBIT) == TAG(hh)) __builtin_prefetch(st.states + (v & ~TAGBIT) - 1);
                    }
                }
                if (st.n >= st.charged && make_room(&st)) { status = stop_status(&st); goto stopped; }
                if (insert(&st, blk->cf[m], blk->hash[m], sid) == NO_MEMORY) {
                    status = stop_status(&st); goto stopped;
                }
            }
            edges += k;
            head = sid + 1;
        }
        atomic_store_explicit(&p.published, st.n, memory_order_release);
        atomic_store_explicit(&p.consumed, cons + 1, memory_order_release);
        if (max_states > 0 && st.n > max_states) { status = 1; goto stopped; }
        if (cb && every > 0 && head >= next_cb) {
            next_cb = head + every;
            if (cb(st.n, edges, st.n - head)) { status = 4; goto stopped; }
        }
        if (!threaded && threads > 1 && st.n > thread_after) {
            /* from here the expander runs on its own: it goes on from the next unexpanded state */
            atomic_store(&p.produced, cons + 1);
            pf_block = cons + 1; pf_edge = 0;
            threaded = pthread_create(&th, NULL, expander, &p) == 0;
        }
    }
    goto finished;
stopped:
    atomic_store_explicit(&p.stop, 1, memory_order_release);
finished:
    if (threaded) pthread_join(th, NULL);
done:
    memcpy(recs, OBT, 2 * NOB * sizeof(st_t));
    memcpy(recs + 2 * NOB * WORDS, SVT, NS * sizeof(st_t));
    memcpy(recs + (2 * NOB + NS) * WORDS, SWT, NWS * sizeof(st_t));
    out[0] = st.n; out[1] = edges; out[2] = depth; out[3] = p.deadlocks; out[4] = p.first_dead; out[5] = status;
    out[6] = st.mem.peak; out[7] = st.ids;
    segs_free(&st);
    for (int r = 0; r < RING; r++) { free(p.ring[r].succ); free(p.ring[r].hash); free(p.ring[r].tr); }
    *states_out = st.states; *parent_out = st.parent;
    return status;
}

void kl_free(void *p) { free(p); }

/* A state's successors, as the search sees them (canonical forms, in the order the search inserts
 * them), and their transitions: the caller recomputes a trace's transitions from parents. */
int kl_successors(const u64 *in, u64 *out, int *tr) {
    st_t s, buf[NT + 1];
    memcpy(&s, in, sizeof s);
    int k = successors(s, buf, tr);
    for (int e = 0; e < k; e++) { st_t c = canon(buf[e]); memcpy(out + (i64)e * WORDS, &c, sizeof c); }
    return k;
}

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
    if (row_room(st)) return -1;
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

/* out: states, edges, status (0 done, 1 past max_states, 2 out of memory, 3 over the budget, 4 stopped by
 * cb), peak
 * bytes.  States, parent, via per state are mapped (kl_unmap); dst, tr per edge and deg per state are
 * malloc'd (kl_free). */
i64 kl_graph(const u64 *init_words, i64 max_states, i64 budget, i64 *out, st_t **states_out, int32_t **parent_out,
             int16_t **via_out, int32_t **dst_out, int16_t **tr_out, int32_t **deg_out, progress_fn cb) {
    gstore_t g = {0};
    store_t *st = &g.st;
    int ok = store_init(st, budget, 1) == 0;
    g.tmask = (1 << 17) - 1;
    i64 ecap = 1 << 18, dcap = 1 << 16, m = 0, status = 0;
    ok = ok && !mem_take(&st->mem, (i64)((g.tmask + 1) * sizeof(slot_t)) + ecap * 6 + dcap * 4);
    if (ok) g.tab = table_alloc(g.tmask + 1);
    int32_t *dst = malloc(ecap * sizeof *dst), *deg = malloc(dcap * sizeof *deg); int16_t *tr = malloc(ecap * sizeof *tr);
    if (!ok || !g.tab || !dst || !deg || !tr) { status = stop_status(st); goto done; }
    st_t init; memcpy(&init, init_words, sizeof init);
    graph_id(&g, canon(init), -1, -1);
    st_t buf[NT + 1]; int trb[NT + 1];
    for (i64 head = 0; head < st->n; head++) {
        if (cb && (head & 32767) == 32767 && cb(st->n, m, st->n - head)) { status = 4; goto done; }  /* Ctrl-C */
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
