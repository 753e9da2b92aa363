/*
 * Certificate policies: RFC 5280 6.1.3 (d)-(f), 6.1.4 (a)(b) and (h)-(j),
 * 6.1.5 (a)(b)(g), with the valid_policy_tree replaced by the
 * valid_policy_graph of RFC 9618, which is equivalent and bounded: at
 * each depth there is at most one node per policy OID, and a node keeps
 * the set of its parents instead of being copied under each of them.
 *
 * Representation: the nodes of all depths in one array, depth by depth
 * (LEVEL[d] is the first node of depth d); a node's parents are a run of
 * EDGES (node indices of depth d - 1). Pruning marks nodes deleted. A
 * node's expected_policy_set is {valid_policy} unless a policy mapping
 * of the certificate at its depth set it (MAPPED): it is then the
 * subjectDomainPolicy values that certificate maps its valid_policy to,
 * read back from the certificate when needed. Node and edge counts are
 * capped (WAX_MAX_PATH_POLICY_NODES, _EDGES): a path beyond them fails
 * with WAX_ERR_LIMIT_EXCEEDED.
 *
 * Depth 0 is the anyPolicy root; depth i is the i-th certificate below
 * the anchor (whose own policies narrowed the initial policy set instead,
 * RFC 5937).
 */
#include "path_int.h"

struct policy_node {
    struct wax_span oid; /* valid_policy (empty for anyPolicy) */
    bool any;
    bool mapped;
    bool deleted;
    uint32_t first_edge;
    uint32_t num_edges;
};

struct path_policy_graph {
    struct policy_node nodes[WAX_MAX_PATH_POLICY_NODES];
    size_t num_nodes;
    uint16_t edges[WAX_MAX_PATH_POLICY_EDGES];
    size_t num_edges;
    size_t level[WAX_MAX_PATH_DEPTH + 1];
    size_t depth;
    const struct wax_x509_cert *cert[WAX_MAX_PATH_DEPTH + 1];
    bool overflow;
    bool has_child[WAX_MAX_PATH_POLICY_NODES];
};

static size_t
level_end(const struct path_policy_graph *g, size_t d)
{
    return d == g->depth ? g->num_nodes : g->level[d + 1];
}

/* Does node N (at depth D) expect policy P (P_ANY: anyPolicy)? */
static bool
expects(const struct path_policy_graph *g, size_t d,
        const struct policy_node *n, struct wax_span p, bool p_any)
{
    if (!n->mapped) {
        return n->any ? p_any : (!p_any && wax_span_equal(n->oid, p));
    }
    if (p_any) {
        return false;
    }
    struct wax_x509_iter it;
    struct wax_x509_policy_mapping m;
    bool present = true;
    wax_x509_policy_mappings_iter(&g->cert[d]->info, &it);
    while (wax_x509_policy_mapping_next(&it, &m, &present) == WAX_OK &&
           present) {
        if (wax_span_equal(m.issuer_domain, n->oid) &&
            wax_span_equal(m.subject_domain, p)) {
            return true;
        }
    }
    return false;
}

/* The live node of depth D for P, or SIZE_MAX. */
static size_t
find(const struct path_policy_graph *g, size_t d, struct wax_span p, bool p_any)
{
    for (size_t i = g->level[d]; i < level_end(g, d); i++) {
        const struct policy_node *n = &g->nodes[i];
        if (!n->deleted && n->any == p_any &&
            (p_any || wax_span_equal(n->oid, p))) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* Appends a node to the last depth; its parents follow with add_edge. */
static struct policy_node *
add_node(struct path_policy_graph *g, struct wax_span p, bool p_any)
{
    if (g->num_nodes == WAX_MAX_PATH_POLICY_NODES) {
        g->overflow = true;
        return NULL;
    }
    struct policy_node *n = &g->nodes[g->num_nodes++];
    memset(n, 0, sizeof *n);
    n->oid = p;
    n->any = p_any;
    n->first_edge = (uint32_t)g->num_edges;
    return n;
}

static void
add_edge(struct path_policy_graph *g, struct policy_node *n, size_t parent)
{
    if (g->num_edges == WAX_MAX_PATH_POLICY_EDGES) {
        g->overflow = true;
        return;
    }
    g->edges[g->num_edges++] = (uint16_t)parent;
    n->num_edges++;
}

/* A node of depth D for P whose parents are every live node of depth
 * D - 1 expecting P. */
static void
add_with_expecting_parents(struct path_policy_graph *g, size_t d,
                           struct wax_span p, bool p_any)
{
    struct policy_node *n = add_node(g, p, p_any);
    if (n == NULL) {
        return;
    }
    for (size_t i = g->level[d - 1]; i < level_end(g, d - 1); i++) {
        const struct policy_node *par = &g->nodes[i];
        if (!par->deleted && expects(g, d - 1, par, p, p_any)) {
            add_edge(g, n, i);
        }
    }
}

/* Removes, from depth D - 1 up, the nodes without a live child; false
 * when depth D itself has no live node (the graph is then NULL). */
static bool
prune(struct path_policy_graph *g, size_t d)
{
    bool alive = false;
    for (size_t i = g->level[d]; i < level_end(g, d); i++) {
        alive = alive || !g->nodes[i].deleted;
    }
    if (!alive) {
        return false;
    }
    for (size_t up = d; up-- > 0;) {
        for (size_t i = g->level[up]; i < level_end(g, up); i++) {
            g->has_child[i] = false;
        }
        for (size_t i = g->level[up + 1]; i < level_end(g, up + 1); i++) {
            const struct policy_node *n = &g->nodes[i];
            if (n->deleted) {
                continue;
            }
            for (uint32_t e = 0; e < n->num_edges; e++) {
                g->has_child[g->edges[n->first_edge + e]] = true;
            }
        }
        for (size_t i = g->level[up]; i < level_end(g, up); i++) {
            if (!g->has_child[i]) {
                g->nodes[i].deleted = true;
            }
        }
    }
    return true;
}

void
path_policy_init(struct path_state *st)
{
    st->graph = NULL;
    st->graph_null = st->n < 2;
}

void
path_policy_free(struct path_state *st)
{
    free(st->graph);
    st->graph = NULL;
}

/* The graph with its anyPolicy root, allocated on first use. */
static struct path_policy_graph *
graph_get(struct path_state *st)
{
    if (st->graph == NULL) {
        struct path_policy_graph *g = malloc(sizeof *g);
        if (g == NULL) {
            return NULL;
        }
        g->num_nodes = 0;
        g->num_edges = 0;
        g->depth = 0;
        g->overflow = false;
        g->level[0] = 0;
        g->cert[0] = NULL;
        struct wax_span none = {NULL, 0};
        (void)add_node(g, none, true);
        st->graph = g;
    }
    return st->graph;
}

static void
graph_fail(struct path_state *st, size_t k, wax_err err)
{
    path_problem(st, k, err);
    st->graph_null = true;
}

/* The depth of chain index K in the graph. */
static size_t
depth_of(const struct path_state *st, size_t k)
{
    return st->n - 1 - k;
}

/* 6.1.3 (d)(e)(f) */
void
path_step_policies(struct path_state *st, size_t k)
{
    const struct path_cert *pc = path_at(st, k);
    const struct wax_x509_cert *c = &pc->cert;
    if (!st->graph_null && !c->info.has_policies) {
        st->graph_null = true; /* (e) */
    }
    if (!st->graph_null) {
        struct path_policy_graph *g = graph_get(st);
        if (g == NULL) {
            graph_fail(st, k, WAX_ERR_NOMEM);
            return;
        }
        size_t d = depth_of(st, k);
        g->depth = d;
        g->level[d] = g->num_nodes;
        g->cert[d] = c;
        struct wax_x509_iter it;
        struct wax_x509_policy pol;
        bool present = true, has_any = false;
        /* (d)(1) every policy but anyPolicy */
        wax_x509_policies_iter(&c->info, &it);
        while (wax_x509_policy_next(&it, &pol, &present) == WAX_OK && present) {
            if (pol.id == WAX_OID_ANY_POLICY) {
                has_any = true;
                continue;
            }
            size_t before = g->num_nodes;
            add_with_expecting_parents(g, d, pol.oid, false);
            if (g->num_nodes > before && g->nodes[before].num_edges == 0) {
                /* (ii) no parent expects it: under anyPolicy, if any */
                size_t a = find(g, d - 1, pol.oid, true);
                if (a != SIZE_MAX) {
                    add_edge(g, &g->nodes[before], a);
                } else {
                    g->num_nodes = before; /* no node after all */
                }
            }
        }
        /* (d)(2) anyPolicy, when not inhibited */
        if (has_any &&
            (st->inhibit_any_policy > 0 || (k > 0 && pc->self_issued))) {
            for (size_t i = g->level[d - 1]; i < level_end(g, d - 1); i++) {
                const struct policy_node *par = &g->nodes[i];
                if (par->deleted) {
                    continue;
                }
                if (!par->mapped) {
                    if (find(g, d, par->oid, par->any) == SIZE_MAX) {
                        add_with_expecting_parents(g, d, par->oid, par->any);
                    }
                    continue;
                }
                struct wax_x509_iter mit;
                struct wax_x509_policy_mapping m;
                bool more = true;
                wax_x509_policy_mappings_iter(&g->cert[d - 1]->info, &mit);
                while (wax_x509_policy_mapping_next(&mit, &m, &more) ==
                           WAX_OK &&
                       more) {
                    if (wax_span_equal(m.issuer_domain, par->oid) &&
                        find(g, d, m.subject_domain, false) == SIZE_MAX) {
                        add_with_expecting_parents(g, d, m.subject_domain,
                                                   false);
                    }
                }
            }
        }
        if (g->overflow) {
            graph_fail(st, k, WAX_ERR_LIMIT_EXCEEDED);
        } else if (!prune(g, d)) {
            st->graph_null = true; /* (d)(3) */
        }
    }
    /* (f) */
    if (st->explicit_policy == 0 && st->graph_null) {
        path_problem(st, k, WAX_ERR_PATH_POLICY);
    }
}

/* 6.1.4 (a)(b) */
void
path_step_policy_mappings(struct path_state *st, size_t k)
{
    const struct wax_x509_cert *c = &path_at(st, k)->cert;
    if (!c->info.has_policy_mappings) {
        return;
    }
    struct wax_span any = wax_oid_span(WAX_OID_ANY_POLICY);
    struct wax_x509_iter it;
    struct wax_x509_policy_mapping m;
    bool present = true;
    /* (a) */
    wax_x509_policy_mappings_iter(&c->info, &it);
    while (wax_x509_policy_mapping_next(&it, &m, &present) == WAX_OK &&
           present) {
        if (wax_span_equal(m.issuer_domain, any) ||
            wax_span_equal(m.subject_domain, any)) {
            path_problem(st, k, WAX_ERR_PATH_POLICY_MAPPING);
            return;
        }
    }
    if (st->graph_null || st->graph == NULL) {
        return;
    }
    struct path_policy_graph *g = st->graph;
    size_t d = depth_of(st, k);
    /* (b) each issuerDomainPolicy once */
    present = true;
    wax_x509_policy_mappings_iter(&c->info, &it);
    while (wax_x509_policy_mapping_next(&it, &m, &present) == WAX_OK &&
           present) {
        struct wax_x509_iter prev;
        struct wax_x509_policy_mapping pm;
        bool seen = false, more = true;
        wax_x509_policy_mappings_iter(&c->info, &prev);
        for (size_t i = 1; i < it.count && !seen; i++) {
            if (wax_x509_policy_mapping_next(&prev, &pm, &more) != WAX_OK ||
                !more) {
                break;
            }
            seen = wax_span_equal(pm.issuer_domain, m.issuer_domain);
        }
        if (seen) {
            continue;
        }
        size_t node = find(g, d, m.issuer_domain, false);
        if (st->policy_mapping > 0) {
            if (node != SIZE_MAX) {
                g->nodes[node].mapped = true;
                continue;
            }
            size_t a = find(g, d, m.issuer_domain, true);
            if (a == SIZE_MAX) {
                continue;
            }
            struct policy_node *n = add_node(g, m.issuer_domain, false);
            if (n == NULL) {
                break;
            }
            n->mapped = true;
            const struct policy_node *an = &g->nodes[a];
            for (uint32_t e = 0; e < an->num_edges; e++) {
                add_edge(g, n, g->edges[an->first_edge + e]);
            }
        } else if (node != SIZE_MAX) {
            g->nodes[node].deleted = true;
        }
    }
    if (g->overflow) {
        graph_fail(st, k, WAX_ERR_LIMIT_EXCEEDED);
    } else if (!prune(g, d)) {
        st->graph_null = true;
    }
}

/* 6.1.4 (h)(i)(j); for the anchor only (i)(j) (RFC 5937). */
void
path_step_policy_counters(struct path_state *st, size_t k)
{
    const struct path_cert *pc = path_at(st, k);
    const struct wax_x509_ext_info *info = &pc->cert.info;
    if (k != st->n - 1 && !pc->self_issued) {
        if (st->explicit_policy > 0) {
            st->explicit_policy--;
        }
        if (st->policy_mapping > 0) {
            st->policy_mapping--;
        }
        if (st->inhibit_any_policy > 0) {
            st->inhibit_any_policy--;
        }
    }
    if (info->has_policy_constraints) {
        if (info->has_require_explicit &&
            info->require_explicit < st->explicit_policy) {
            st->explicit_policy = info->require_explicit;
        }
        if (info->has_inhibit_mapping &&
            info->inhibit_mapping < st->policy_mapping) {
            st->policy_mapping = info->inhibit_mapping;
        }
    }
    if (info->has_inhibit_any_policy &&
        info->inhibit_any_policy < st->inhibit_any_policy) {
        st->inhibit_any_policy = info->inhibit_any_policy;
    }
}

static bool
initial_has(const struct path_state *st, struct wax_span oid)
{
    for (size_t i = 0; i < st->num_initial; i++) {
        if (wax_span_equal(st->initial[i], oid)) {
            return true;
        }
    }
    return false;
}

/* 6.1.5 (g): is the intersection of the graph with the user-initial-
 * policy-set non-empty? A leaf node survives when some path to it from
 * the root is all anyPolicy, or its first node that is not anyPolicy
 * names a policy of the initial set. */
static bool
intersection_nonempty(struct path_state *st)
{
    if (st->graph_null || st->graph == NULL) {
        return false;
    }
    if (st->initial_any) {
        return true;
    }
    if (st->num_initial == 0) {
        return false;
    }
    struct path_policy_graph *g = st->graph;
    /* per node: 1 all anyPolicy so far, 2 accepted, 0 neither */
    uint8_t *state = calloc(g->num_nodes, 1);
    if (state == NULL) {
        return false;
    }
    state[0] = 1;
    for (size_t d = 1; d <= g->depth; d++) {
        for (size_t i = g->level[d]; i < level_end(g, d); i++) {
            const struct policy_node *n = &g->nodes[i];
            if (n->deleted) {
                continue;
            }
            uint8_t s = 0;
            for (uint32_t e = 0; e < n->num_edges; e++) {
                uint8_t ps = state[g->edges[n->first_edge + e]];
                if (ps == 2 || (ps == 1 && n->any)) {
                    s = ps == 2 ? 2 : 1;
                } else if (ps == 1 && initial_has(st, n->oid)) {
                    s = 2;
                }
                if (s == 2) {
                    break;
                }
            }
            state[i] = s;
        }
    }
    bool found = false;
    for (size_t i = g->level[g->depth]; i < g->num_nodes; i++) {
        found = found || (!g->nodes[i].deleted && state[i] != 0);
    }
    free(state);
    return found;
}

/* 6.1.5 (a)(b)(g) */
void
path_step_policy_wrapup(struct path_state *st)
{
    const struct wax_x509_ext_info *info = &path_at(st, 0)->cert.info;
    if (st->explicit_policy > 0) {
        st->explicit_policy--;
    }
    if (info->has_policy_constraints && info->has_require_explicit &&
        info->require_explicit == 0) {
        st->explicit_policy = 0;
    }
    if (st->explicit_policy == 0 && !intersection_nonempty(st)) {
        path_problem(st, 0, WAX_ERR_PATH_POLICY);
    }
}
