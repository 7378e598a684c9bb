//! Double-double arithmetic: about 32 significant digits from pairs of f64, for the
//! cancellations of the incomplete beta's continued fraction at large shapes.

/// A double-double number hi + lo with |lo| ≤ ½ulp(hi): about 32 significant digits, enough to
/// absorb the cancellations of the continued fraction at large shapes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wide {
    pub(super) hi: f64,
    pub(super) lo: f64,
}

impl Wide {
    pub(super) fn from(v: f64) -> Self {
        Wide { hi: v, lo: 0.0 }
    }

    /// a + b without rounding.
    pub(super) fn sum(a: f64, b: f64) -> Self {
        let (hi, lo) = two_sum(a, b);
        Wide { hi, lo }
    }

    pub(super) fn value(self) -> f64 {
        self.hi + self.lo
    }

    pub(super) fn neg(self) -> Self {
        Wide {
            hi: -self.hi,
            lo: -self.lo,
        }
    }

    pub(super) fn add(self, other: Wide) -> Self {
        let (s, e) = two_sum(self.hi, other.hi);
        let (t, f) = two_sum(self.lo, other.lo);
        let (s, e) = fast_two_sum(s, e + t);
        let (hi, lo) = fast_two_sum(s, e + f);
        Wide { hi, lo }
    }

    pub(super) fn add_f64(self, other: f64) -> Self {
        self.add(Wide::from(other))
    }

    pub(super) fn sub(self, other: Wide) -> Self {
        self.add(other.neg())
    }

    pub(super) fn mul(self, other: Wide) -> Self {
        let (p, e) = two_product(self.hi, other.hi);
        let e = e + (self.hi * other.lo + self.lo * other.hi);
        let (hi, lo) = fast_two_sum(p, e);
        Wide { hi, lo }
    }

    pub(super) fn div(self, other: Wide) -> Self {
        let first = self.hi / other.hi;
        let remainder = self.sub(other.mul(Wide::from(first)));
        let second = remainder.hi / other.hi;
        let (hi, lo) = fast_two_sum(first, second);
        Wide { hi, lo }
    }
}

/// s + e = a + b exactly (Knuth).
pub(super) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let b_part = s - a;
    let e = (a - (s - b_part)) + (b - b_part);
    (s, e)
}

/// s + e = a + b exactly when |a| ≥ |b| (Dekker).
pub(super) fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// p + e = a·b exactly, via a fused multiply-add.
pub(super) fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}
