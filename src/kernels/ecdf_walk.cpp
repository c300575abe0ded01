/// @file
/// @brief ecdf_walk: one merge walk over two sorted samples yielding the KS extremes,
/// their locations and the L1 (1-Wasserstein) area between the two ECDFs.
///
/// Reference behaviour (scipy 1.17, scipy/stats/_stats_py.py):
/// - ks_2samp: cdf1 = searchsorted(a, pooled, 'right') / n1, same for b, over
///   pooled = concatenate([sorted a, sorted b]); cddiffs = cdf1 - cdf2; the extremes and
///   their locations come from argmax / argmin (first index) of cddiffs.
/// - wasserstein_distance → _cdf_distance(p=1): Σ |cdf1 - cdf2|(v_k) · (v_{k+1} - v_k)
///   over the sorted pooled values v (ties included, with a zero gap).
///
/// Fast path (na·nb < 2^62). After i values of a and j of b, the difference is tracked
/// exactly as the integer D = i·nb - j·na (= na·nb·(i/na - j/nb)). The doubles numpy
/// compares, d = fl(fl(i/na) - fl(j/nb)), differ from D/(na·nb) by at most 2^-53 (two
/// half-ulp quotient errors below 1, then a monotone rounding), so a group whose D is
/// more than slack = na·nb·2^-50 below (above) the best group-end D has a double
/// strictly below (above) that group's: it can neither be the extreme nor tie it. For
/// na·nb < 2^50 the slack is 0: only the groups at the extreme D matter. Equal D may
/// still give different doubles (e.g. na == nb, fl(i/n) - fl(j/n) for the same i - j),
/// so all groups at (or within slack of) the extreme D get numpy's two divisions, and
/// the first point of each sample reaching the max double wins, by position.
///
/// Pass 1 (branch-free): walks the merge, summing l1 and keeping, per block of steps,
/// the state at its start and the max / min of D over the values it walked (a group's
/// inner values included, so the block extremes bound the group-end ones). The merge
/// is bound by a loop-carried chain (index → load → compare → index), so the pooled
/// ranks are cut into kChains pieces at merge-path co-ranks and walked interleaved in
/// one loop, their chains overlapping; before the tail rank (the earlier of the two
/// last values) a[i] and b[j] are in bounds, after it the steps are bounds-checked.
/// Pass 2: per side, re-walks the block with the best bound first, evaluating the group
/// ends in the window of the best group-end D found so far, until no block bound reaches
/// the window (typically one or two blocks of ~n/500 steps).
/// The l1 term |d_k|·gap_k is summed as |D_k·gap_k| and divided by na·nb once at the
/// end: exact D, scipy's gap fl(v_{k+1} - v_k), so each term is within an ulp of the
/// exact product, closer than scipy's own (whose d carries the ~1e-16 absolute quotient
/// error); D = 0 with an infinite gap still gives NaN, ±inf gaps inf, tied infinities NaN
/// (inf - inf), as in scipy.
///
/// Fallback (na·nb >= 2^62): one walk computing numpy's double at every group end.

#include "driftscope/kernels/ecdf_walk.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

namespace driftscope::kernels {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

#if defined(__GNUC__)
#define DRIFTSCOPE_ECDF_INLINE inline __attribute__((always_inline))
#else
#define DRIFTSCOPE_ECDF_INLINE inline
#endif

// ---------------------------------------------------------------------------------------
// Fallback for na·nb >= 2^62 (D would not fit int64): the double of every group end.

/// Running state of the walk; a "group" is a run of equal pooled values, at whose end
/// the ECDF difference is evaluated (right-continuity: after every tie is counted).
class walker {
 public:
  walker(std::size_t na, std::size_t nb)
      : fna_(static_cast<double>(na)), fnb_(static_cast<double>(nb)) {}

  /// Closes the group of value v, with i (j) points of a (b) counted so far.
  void close_group(double v, std::size_t i, std::size_t j, bool in_a, bool in_b,
                   std::size_t multiplicity) {
    // Same expression as numpy's cdf1 - cdf2, so equal fractions compare equal.
    const double d = static_cast<double>(i) / fna_ - static_cast<double>(j) / fnb_;
    // argmax over concatenate([a, b]) finds the first point of a reaching the extreme if
    // any, else the first point of b: track a's and b's points apart, strict updates.
    if (in_a & (d > max_a_)) { max_a_ = d; max_loc_a_ = v; }
    if (in_a & (d < min_a_)) { min_a_ = d; min_loc_a_ = v; }
    if (in_b & (d > max_b_)) { max_b_ = d; max_loc_b_ = v; }
    if (in_b & (d < min_b_)) { min_b_ = d; min_loc_b_ = v; }
    // scipy's gap v_{k+1} - v_k: zero between tied finite values, but inf - inf = NaN
    // between tied infinite ones, and |diff| * (±inf gap) is inf, or NaN when diff == 0.
    if (has_prev_) l1_ += prev_abs_d_ * (v - prev_v_);
    if (multiplicity > 1 && std::isinf(v)) l1_ += std::numeric_limits<double>::quiet_NaN();
    prev_v_ = v;
    prev_abs_d_ = std::fabs(d);
    has_prev_ = true;
  }

  ecdf_walk_result result() const {
    ecdf_walk_result r;
    if (max_a_ >= max_b_) {
      r.max_diff = max_a_;
      r.max_location = max_loc_a_;
    } else {
      r.max_diff = max_b_;
      r.max_location = max_loc_b_;
    }
    if (min_a_ <= min_b_) {
      r.min_diff = min_a_;
      r.min_location = min_loc_a_;
    } else {
      r.min_diff = min_b_;
      r.min_location = min_loc_b_;
    }
    r.l1 = l1_;
    return r;
  }

 private:
  double fna_, fnb_;
  double max_a_ = -kInf, max_b_ = -kInf, min_a_ = kInf, min_b_ = kInf;
  double max_loc_a_ = 0, max_loc_b_ = 0, min_loc_a_ = 0, min_loc_b_ = 0;
  double l1_ = 0, prev_v_ = 0, prev_abs_d_ = 0;
  bool has_prev_ = false;
};

template <class T>
ecdf_walk_result walk_all_groups(const T* a, std::size_t na, const T* b, std::size_t nb) {
  walker w(na, nb);
  std::size_t i = 0, j = 0, mult = 0;
  bool in_a = false, in_b = false;
  while (i < na && j < nb) {
    const T va = a[i];
    const T vb = b[j];
    const bool take_a = va <= vb;
    const T v = take_a ? va : vb;
    i += static_cast<std::size_t>(take_a);
    j += static_cast<std::size_t>(!take_a);
    in_a |= take_a;
    in_b |= !take_a;
    ++mult;
    if ((i < na && a[i] == v) || (j < nb && b[j] == v)) continue;  // the group goes on
    w.close_group(static_cast<double>(v), i, j, in_a, in_b, mult);
    in_a = in_b = false;
    mult = 0;
  }
  while (i < na) {
    const T v = a[i++];
    in_a = true;
    ++mult;
    if (i < na && a[i] == v) continue;
    w.close_group(static_cast<double>(v), i, j, in_a, in_b, mult);
    in_a = in_b = false;
    mult = 0;
  }
  while (j < nb) {
    const T v = b[j++];
    in_b = true;
    ++mult;
    if (j < nb && b[j] == v) continue;
    w.close_group(static_cast<double>(v), i, j, in_a, in_b, mult);
    in_a = in_b = false;
    mult = 0;
  }
  return w.result();
}

// ---------------------------------------------------------------------------------------
// Fast path: integer differences, doubles only for the groups near the extremes.

/// Number of merge pieces walked interleaved (best of 1..4 measured on an AVX-512 Xeon
/// with benchmarks/bench_kernels.cpp; more run out of registers).
constexpr int kChains = 4;
/// Below this many pooled values per piece, fewer pieces.
constexpr std::size_t kMinPiece = 256;
/// Block summaries kept (on the stack) for the second pass, and the shortest block.
constexpr std::size_t kMaxBlocks = 512;
constexpr std::size_t kMinBlock = 256;

template <class T>
struct context {
  const T* a;
  const T* b;
  std::size_t na, nb;
  std::int64_t ina, inb;  ///< na, nb as int64
  std::int64_t slack;     ///< how far below the max D (above the min D) doubles may tie
  double fna, fnb;
};

/// A run of consecutive steps of the first pass: the state before it (i, j counted,
/// v_prev the last value walked) and the extremes of D over the values it tested. The
/// second pass re-walks a block only if an extreme group end may lie in it.
struct block {
  std::size_t i, j, steps;
  double v_prev;
  std::int64_t d_max, d_min;
};

/// Extremes over the evaluated group ends. Ties of the double are broken by position
/// (first point of a: smallest i; of b: smallest j), so blocks may be evaluated in any
/// order.
struct extremes {
  double max_a = -kInf, max_b = -kInf, min_a = kInf, min_b = kInf;
  double max_loc_a = 0, max_loc_b = 0, min_loc_a = 0, min_loc_b = 0;
  std::size_t max_pos_a = 0, max_pos_b = 0, min_pos_a = 0, min_pos_b = 0;
};

/// Evaluates the group of value v ending with counts i, j: numpy's double and, per
/// sample, an update if it beats (or equals, earlier) the best so far.
template <class T>
void evaluate(const context<T>& c, extremes& e, std::size_t i, std::size_t j, double v,
              bool is_max, bool is_min) {
  const bool in_a = i > 0 && static_cast<double>(c.a[i - 1]) == v;
  const bool in_b = j > 0 && static_cast<double>(c.b[j - 1]) == v;
  // numpy: searchsorted(...) / n1 - searchsorted(...) / n2, true divisions in float64.
  const double dd = static_cast<double>(i) / c.fna - static_cast<double>(j) / c.fnb;
  if (is_max && in_a && (dd > e.max_a || (dd == e.max_a && i < e.max_pos_a))) {
    e.max_a = dd;
    e.max_pos_a = i;
    e.max_loc_a = static_cast<double>(c.a[i - 1]);
  }
  if (is_max && in_b && (dd > e.max_b || (dd == e.max_b && j < e.max_pos_b))) {
    e.max_b = dd;
    e.max_pos_b = j;
    e.max_loc_b = static_cast<double>(c.b[j - 1]);
  }
  if (is_min && in_a && (dd < e.min_a || (dd == e.min_a && i < e.min_pos_a))) {
    e.min_a = dd;
    e.min_pos_a = i;
    e.min_loc_a = static_cast<double>(c.a[i - 1]);
  }
  if (is_min && in_b && (dd < e.min_b || (dd == e.min_b && j < e.min_pos_b))) {
    e.min_b = dd;
    e.min_pos_b = j;
    e.min_loc_b = static_cast<double>(c.b[j - 1]);
  }
}

/// One first-pass step: D of the value walked last (v_prev) into the block extremes,
/// its l1 term |D| · (v - v_prev) (as |D · gap|, the gap being >= 0 or NaN), then the
/// next pooled value v (from a if take_a). All state is scalar references to locals of
/// an inlined caller, so that it can live in registers; nothing here branches.
DRIFTSCOPE_ECDF_INLINE void advance(std::int64_t ina, std::int64_t inb, std::size_t& i,
                                    std::size_t& j, double& v_prev, double& l1,
                                    std::int64_t& hi, std::int64_t& lo, std::size_t take_a,
                                    double v) {
  const std::int64_t d = static_cast<std::int64_t>(i) * inb - static_cast<std::int64_t>(j) * ina;
  hi = d > hi ? d : hi;
  lo = d < lo ? d : lo;
  l1 += std::fabs(static_cast<double>(d) * (v - v_prev));
  v_prev = v;
  i += take_a;
  j += take_a ^ 1;
}

/// Unchecked step: a[i] and b[j] are readable. The choice is arithmetic (a setcc, not
/// a branch: on interleaved samples a branch is mispredicted half the time).
template <class T>
DRIFTSCOPE_ECDF_INLINE void fast_step(const context<T>& c, std::size_t& i, std::size_t& j,
                                      double& v_prev, double& l1, std::int64_t& hi,
                                      std::int64_t& lo) {
  const T va = c.a[i];
  const T vb = c.b[j];
  const std::size_t take_a = static_cast<std::size_t>(va <= vb);
  const double v = static_cast<double>(vb < va ? vb : va);  // minsd
  advance(c.ina, c.inb, i, j, v_prev, l1, hi, lo, take_a, v);
}

/// The next pooled value of the state (i, j), bounds-checked; false past the end.
template <class T>
bool checked_next(const context<T>& c, std::size_t i, std::size_t j, bool& take_a, double& v) {
  if (i >= c.na && j >= c.nb) return false;
  take_a = i < c.na && (j >= c.nb || c.a[i] <= c.b[j]);
  v = static_cast<double>(take_a ? c.a[i] : c.b[j]);
  return true;
}

/// Walks K pieces interleaved (their loop-carried chains overlap) for `steps` steps
/// each, in blocks of `len` steps, appending one summary per piece and block. The K
/// steps are expanded at compile time (a fold over Ks) so that every piece's state is
/// a distinct local the compiler keeps in registers. Before the tail rank a[i] and b[j]
/// are readable.
template <class T, std::size_t... Ks>
void walk_interleaved(const context<T>& c, std::size_t* pi, std::size_t* pj, double* pv,
                      double* pl1, std::size_t steps, std::size_t len, block* blocks,
                      std::size_t& n_blocks, std::index_sequence<Ks...>) {
  constexpr std::size_t K = sizeof...(Ks);
  std::size_t i[K] = {pi[Ks]...};
  std::size_t j[K] = {pj[Ks]...};
  double v_prev[K] = {pv[Ks]...};
  double l1[K] = {pl1[Ks]...};
  for (std::size_t s0 = 0; s0 < steps; s0 += len) {
    const std::size_t m = steps - s0 < len ? steps - s0 : len;
    block* blk = blocks + n_blocks;
    ((blk[Ks] = block{i[Ks], j[Ks], m, v_prev[Ks], 0, 0}), ...);
    n_blocks += K;
    std::int64_t hi[K], lo[K];
    ((hi[Ks] = std::numeric_limits<std::int64_t>::min()), ...);
    ((lo[Ks] = std::numeric_limits<std::int64_t>::max()), ...);
    for (std::size_t s = 0; s < m; ++s) {
      (fast_step(c, i[Ks], j[Ks], v_prev[Ks], l1[Ks], hi[Ks], lo[Ks]), ...);
    }
    ((blk[Ks].d_max = hi[Ks]), ...);
    ((blk[Ks].d_min = lo[Ks]), ...);
  }
  ((pi[Ks] = i[Ks]), ...);
  ((pj[Ks] = j[Ks]), ...);
  ((pv[Ks] = v_prev[Ks]), ...);
  ((pl1[Ks] = l1[Ks]), ...);
}

/// Second pass, one side: re-walks blocks, largest block extreme first, evaluating the
/// group ends whose D is within the window of the best group-end D found so far; stops
/// when no unvisited block reaches the window. A group end left out has D below the
/// window, so its double is strictly below an evaluated one (see the file comment).
template <class T>
void rewalk(const context<T>& c, block* blocks, std::size_t n_blocks, bool is_max,
            extremes& e) {
  bool done[kMaxBlocks] = {};
  const std::int64_t none = is_max ? std::numeric_limits<std::int64_t>::min()
                                   : std::numeric_limits<std::int64_t>::max();
  std::int64_t best = none;  // the best group-end D so far
  for (;;) {
    std::size_t pick = n_blocks;
    std::int64_t pick_d = none;
    for (std::size_t k = 0; k < n_blocks; ++k) {
      if (done[k] || blocks[k].steps == 0) continue;
      const std::int64_t d = is_max ? blocks[k].d_max : blocks[k].d_min;
      if (pick == n_blocks || (is_max ? d > pick_d : d < pick_d)) {
        pick = k;
        pick_d = d;
      }
    }
    if (pick == n_blocks) return;
    if (best != none && (is_max ? pick_d < best - c.slack : pick_d > best + c.slack)) return;
    done[pick] = true;
    const block& blk = blocks[pick];
    std::size_t i = blk.i, j = blk.j;
    double v_prev = blk.v_prev;
    for (std::size_t s = 0; s < blk.steps; ++s) {
      bool take_a = false;
      double v = 0;
      checked_next(c, i, j, take_a, v);  // in bounds: every block step walks a value
      const std::int64_t d =
          static_cast<std::int64_t>(i) * c.inb - static_cast<std::int64_t>(j) * c.ina;
      // v_prev's group ends iff the next pooled value differs (-0.0 == +0.0, as numpy).
      const bool in_window = best == none || (is_max ? d >= best - c.slack : d <= best + c.slack);
      if (in_window && v != v_prev) {
        if (best == none || (is_max ? d > best : d < best)) best = d;
        evaluate(c, e, i, j, v_prev, is_max, !is_max);
      }
      v_prev = v;
      i += static_cast<std::size_t>(take_a);
      j += static_cast<std::size_t>(!take_a);
    }
  }
}

/// Merge-path co-rank: the number i of values of a among the first r pooled values of
/// the stable merge that takes a first on ties (a[i-1] <= b[r-i], b[r-i-1] < a[i]).
template <class T>
std::size_t co_rank(const T* a, std::size_t na, const T* b, std::size_t nb, std::size_t r) {
  std::size_t lo = r > nb ? r - nb : 0;
  std::size_t hi = r < na ? r : na;
  while (lo < hi) {
    const std::size_t i = lo + (hi - lo) / 2;  // i < hi <= na; 1 <= r - i <= nb
    if (b[r - i - 1] >= a[i]) {
      lo = i + 1;  // too few of a: a[i] goes before b[r-i-1]
    } else {
      hi = i;
    }
  }
  return lo;
}

template <class T>
ecdf_walk_result walk_fast(const T* a, std::size_t na, const T* b, std::size_t nb,
                           std::size_t prod) {
  const context<T> c{a,
                     b,
                     na,
                     nb,
                     static_cast<std::int64_t>(na),
                     static_cast<std::int64_t>(nb),
                     static_cast<std::int64_t>(prod >> 50),
                     static_cast<double>(na),
                     static_cast<double>(nb)};
  const std::size_t n = na + nb;
  // Rank of the tail: the pooled position of the earlier of the two last values. Before
  // it, the heads a[i], b[j] are in bounds.
  std::size_t tail;
  if (a[na - 1] <= b[nb - 1]) {
    std::size_t lo = 0, hi = nb;  // #{b < a[na-1]}
    while (lo < hi) {
      const std::size_t m = lo + (hi - lo) / 2;
      if (b[m] < a[na - 1]) lo = m + 1; else hi = m;
    }
    tail = na - 1 + lo;
  } else {
    std::size_t lo = 0, hi = na;  // #{a <= b[nb-1]}
    while (lo < hi) {
      const std::size_t m = lo + (hi - lo) / 2;
      if (a[m] <= b[nb - 1]) lo = m + 1; else hi = m;
    }
    tail = nb - 1 + lo;
  }
  std::size_t len = (n + (kMaxBlocks - 16) - 1) / (kMaxBlocks - 16);
  if (len < kMinBlock) len = kMinBlock;

  block blocks[kMaxBlocks];
  std::size_t n_blocks = 0;
  // Piece states; piece 0 starts after the first pooled value (walked by hand: it has
  // no l1 term before it), piece k at rank 1 + k·per.
  std::size_t pi[kChains] = {}, pj[kChains] = {};
  double pv[kChains] = {}, pl1[kChains] = {};
  {
    const bool take_a = a[0] <= b[0];
    pv[0] = static_cast<double>(take_a ? a[0] : b[0]);
    pi[0] = take_a ? 1 : 0;
    pj[0] = take_a ? 0 : 1;
  }
  int used = 1;
  std::size_t per = 0;  // steps per piece
  if (tail > 1) {
    const std::size_t body = tail - 1;  // pooled ranks [1, tail)
    std::size_t pieces = body / kMinPiece;
    if (pieces > static_cast<std::size_t>(kChains)) pieces = kChains;
    if (pieces < 1) pieces = 1;
    used = static_cast<int>(pieces);
    per = body / pieces;
    for (int k = 1; k < used; ++k) {
      const std::size_t r0 = 1 + per * static_cast<std::size_t>(k);
      pi[k] = co_rank(a, na, b, nb, r0);
      pj[k] = r0 - pi[k];
      // The value at rank r0 - 1 is the larger of the two heads' predecessors.
      double prev = -kInf;
      if (pi[k] > 0) prev = static_cast<double>(a[pi[k] - 1]);
      if (pj[k] > 0 && static_cast<double>(b[pj[k] - 1]) > prev) prev = static_cast<double>(b[pj[k] - 1]);
      pv[k] = prev;
    }
    switch (used) {
      case 4: walk_interleaved(c, pi, pj, pv, pl1, per, len, blocks, n_blocks, std::make_index_sequence<4>()); break;
      case 3: walk_interleaved(c, pi, pj, pv, pl1, per, len, blocks, n_blocks, std::make_index_sequence<3>()); break;
      case 2: walk_interleaved(c, pi, pj, pv, pl1, per, len, blocks, n_blocks, std::make_index_sequence<2>()); break;
      default: walk_interleaved(c, pi, pj, pv, pl1, per, len, blocks, n_blocks, std::make_index_sequence<1>()); break;
    }
  }
  // The rest (ranks from 1 + used·per), bounds-checked, continuing the last piece.
  {
    const int k = used - 1;
    std::size_t i = pi[k], j = pj[k];
    double v_prev = pv[k], l1 = pl1[k];
    const std::size_t rest = n - (1 + static_cast<std::size_t>(used) * per);
    for (std::size_t s0 = 0; s0 < rest; s0 += len) {
      const std::size_t m = rest - s0 < len ? rest - s0 : len;
      block& blk = blocks[n_blocks++];
      blk = block{i, j, m, v_prev, 0, 0};
      std::int64_t hi = std::numeric_limits<std::int64_t>::min();
      std::int64_t lo = std::numeric_limits<std::int64_t>::max();
      for (std::size_t s = 0; s < m; ++s) {
        bool take_a = false;
        double v = 0;
        checked_next(c, i, j, take_a, v);
        advance(c.ina, c.inb, i, j, v_prev, l1, hi, lo, static_cast<std::size_t>(take_a), v);
      }
      blk.d_max = hi;
      blk.d_min = lo;
    }
    pl1[k] = l1;
    pv[k] = v_prev;
  }

  // Second pass. The last group (D = 0) is not tested by any step: evaluate it too
  // (evaluating extra group ends is always safe).
  extremes e;
  rewalk(c, blocks, n_blocks, true, e);
  rewalk(c, blocks, n_blocks, false, e);
  evaluate(c, e, na, nb, pv[used - 1], true, true);

  double l1 = 0;
  for (int k = 0; k < used; ++k) l1 += pl1[k];
  ecdf_walk_result r;
  if (e.max_a >= e.max_b) {
    r.max_diff = e.max_a;
    r.max_location = e.max_loc_a;
  } else {
    r.max_diff = e.max_b;
    r.max_location = e.max_loc_b;
  }
  if (e.min_a <= e.min_b) {
    r.min_diff = e.min_a;
    r.min_location = e.min_loc_a;
  } else {
    r.min_diff = e.min_b;
    r.min_location = e.min_loc_b;
  }
  r.l1 = l1 / (c.fna * c.fnb);
  return r;
}

template <class T>
ecdf_walk_result walk(const T* a, std::size_t na, const T* b, std::size_t nb) {
  constexpr std::size_t kMaxProd = std::size_t{1} << 62;
  if (na <= kMaxProd / nb) return walk_fast(a, na, b, nb, na * nb);
  return walk_all_groups(a, na, b, nb);
}

}  // namespace

ecdf_walk_result ecdf_walk(const double* a, std::size_t na, const double* b, std::size_t nb) {
  return walk(a, na, b, nb);
}
ecdf_walk_result ecdf_walk(const float* a, std::size_t na, const float* b, std::size_t nb) {
  return walk(a, na, b, nb);
}
}  // namespace driftscope::kernels
