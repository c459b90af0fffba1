//! A small unconstrained minimiser for smooth objectives of a handful of parameters.
//!
//! Owns: Newton's method for objectives with an analytic Hessian, BFGS with a backtracking
//! Armijo line search and a Newton polish on a finite-difference Hessian for the others, and
//! the Hessian's inverse (the observed-information covariance). The models
//! minimise their mean negative log-likelihood over log-parameters, where these problems are
//! smooth and unconstrained; with 3–4 parameters dense linear algebra by hand is all we need.

/// A function to minimise. Non-finite values mark points outside the domain; the line search
/// backs off from them.
pub(crate) trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;

    /// The value at `theta`.
    fn value(&self, theta: &[f64]) -> f64;

    /// The value at `theta`, writing the gradient into `grad`. The default uses central
    /// differences (2·dim extra evaluations, relative accuracy ~1e-10 on smooth objectives).
    fn value_grad(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let f = self.value(theta);
        let mut probe = theta.to_vec();
        for i in 0..theta.len() {
            let h = FD_GRADIENT_STEP * (1.0 + theta[i].abs());
            probe[i] = theta[i] + h;
            let up = self.value(&probe);
            probe[i] = theta[i] - h;
            let down = self.value(&probe);
            probe[i] = theta[i];
            grad[i] = (up - down) / (2.0 * h);
        }
        f
    }

    /// Whether [`Objective::value_grad`] is analytic (exact) rather than finite differences.
    fn exact_gradient(&self) -> bool {
        false
    }

    /// The value at `theta` with the gradient in `grad` and the row-major Hessian in `hess`,
    /// or `None` if the objective has no analytic Hessian (the default). Minimisers then run
    /// Newton's method on it, and the Hessian for standard errors is exact.
    fn value_grad_hess(&self, _theta: &[f64], _grad: &mut [f64], _hess: &mut [f64]) -> Option<f64> {
        None
    }
}

/// Step of central-difference gradients: balances truncation (h²) against rounding (ε/h).
const FD_GRADIENT_STEP: f64 = 1e-6;
/// Step of the Hessian by differences of analytic gradients.
const FD_HESSIAN_STEP_GRAD: f64 = 1e-6;
/// Step of the Hessian by second differences of values.
const FD_HESSIAN_STEP_VALUE: f64 = 2e-4;
/// A gradient this small (per customer) is accepted even above the requested tolerance: it
/// moves the parameters by far less than their standard errors.
const NOISE_FLOOR: f64 = 1e-6;
/// BFGS counts as stalled after three steps that lower the value by less than this
/// (relative): the value is at its rounding floor and only the gradient still carries
/// information, or the inverse Hessian needs a restart.
const STALL: f64 = 1e-14;
/// How often a stalled BFGS restarts from the identity before handing over to Newton.
const MAX_RESETS: usize = 1;
/// Relative rise of the value that a Newton step may cause: rounding, not a worse point.
const ROUNDING: f64 = 1e-13;
/// Newton steps after BFGS.
const MAX_NEWTON_STEPS: usize = 10;
/// Largest change of any log-parameter in one step: a factor e⁴ ≈ 55 on the parameter.
const MAX_STEP: f64 = 4.0;

/// Stopping rules.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub max_iterations: usize,
    /// Converged when every gradient component is at most this (objective per customer).
    pub tolerance: f64,
}

/// The result of a successful minimisation.
#[derive(Clone, Debug)]
pub(crate) struct Minimum {
    pub theta: Vec<f64>,
    pub iterations: usize,
    /// The Hessian at `theta`, row-major `dim × dim`.
    pub hessian: Vec<f64>,
}

/// Why a minimisation failed.
#[derive(Clone, Debug)]
pub(crate) enum Failure {
    /// The objective is not finite at the starting point.
    BadStart,
    /// No point with a small enough gradient was found (iteration limit, or no further
    /// progress possible), the gradient still this large.
    NotConverged { iterations: usize, gradient: f64 },
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Minimises `obj` from `start`: by Newton's method when the objective has an analytic
/// Hessian (see [`newton`]), otherwise, or if Newton stalls away from a minimum, by BFGS until
/// the gradient is below tolerance or the value stops decreasing (its floating-point floor),
/// then Newton steps on the numerical Hessian, which judge progress by the gradient alone and
/// so get past that floor. The Hessian also serves as the observed information for standard
/// errors.
pub(crate) fn minimize(
    obj: &dyn Objective,
    start: &[f64],
    settings: Settings,
) -> Result<Minimum, Failure> {
    match newton(obj, start, settings) {
        Some(result) => result,
        None => bfgs(obj, start, settings),
    }
}

/// Newton's method with the analytic Hessian, safeguarded: where the Hessian is not positive
/// definite (far from the optimum) it is shifted by the smallest multiple of the identity in
/// a geometric sequence that makes it so (a Levenberg–Marquardt step, always a descent
/// direction); steps are capped at [`MAX_STEP`] and shortened until the Armijo condition
/// holds. A full step is also taken when it only ties the value up to rounding but shrinks
/// the gradient, which gets past the value's floating-point floor near the optimum. Near the
/// optimum the convergence is quadratic: a handful of evaluations where BFGS needs dozens
/// plus a finite-difference Hessian. The line search evaluates values only; gradient and
/// Hessian are computed at accepted points.
///
/// `None` when the objective has no analytic Hessian or when no step lowers the value while
/// the gradient is still above [`NOISE_FLOOR`] (the caller then runs BFGS instead).
fn newton(
    obj: &dyn Objective,
    start: &[f64],
    settings: Settings,
) -> Option<Result<Minimum, Failure>> {
    let n = obj.dim();
    let mut x = start.to_vec();
    let (mut g, mut h) = (vec![0.0; n], vec![0.0; n * n]);
    let mut f = obj.value_grad_hess(&x, &mut g, &mut h)?;
    let all_finite =
        |f: f64, g: &[f64], h: &[f64]| f.is_finite() && g.iter().chain(h).all(|v| v.is_finite());
    if !all_finite(f, &g, &h) {
        return Some(Err(Failure::BadStart));
    }
    let mut iterations = 0;
    let (mut x_new, mut g_new, mut h_new) = (vec![0.0; n], vec![0.0; n], vec![0.0; n * n]);
    while max_abs(&g) > settings.tolerance && iterations < settings.max_iterations {
        iterations += 1;
        // No shift makes it positive definite: leave it to BFGS.
        let mut d = solve_shifted(&h, &g, n)?;
        let cap = (MAX_STEP / max_abs(&d)).min(1.0);
        d.iter_mut().for_each(|v| *v *= -cap);
        let slope = dot(&g, &d);
        let mut step = 1.0;
        let mut accepted = None;
        for attempt in 0..40 {
            x_new
                .iter_mut()
                .zip(x.iter().zip(&d))
                .for_each(|(xn, (xi, di))| *xn = xi + step * di);
            let full = attempt == 0;
            let f_new = if full {
                obj.value_grad_hess(&x_new, &mut g_new, &mut h_new)
                    .filter(|&v| all_finite(v, &g_new, &h_new))
                    .unwrap_or(f64::NAN)
            } else {
                obj.value(&x_new)
            };
            let armijo = f_new <= f + 1e-4 * step * slope && f_new < f;
            let ties =
                full && f_new <= f + ROUNDING * f.abs().max(1.0) && max_abs(&g_new) < max_abs(&g);
            if armijo || ties {
                accepted = Some(if full {
                    f_new
                } else {
                    obj.value_grad_hess(&x_new, &mut g_new, &mut h_new)?
                });
                break;
            }
            if -slope * step < 1e-16 * f.abs().max(1.0) {
                break; // shorter steps cannot lower the value by a representable amount
            }
            let next = if f_new.is_finite() {
                // Minimiser of the quadratic through f, the slope at 0 and f_new.
                -slope * step * step / (2.0 * (f_new - f - slope * step))
            } else {
                0.1 * step
            };
            step = next.clamp(0.1 * step, 0.5 * step);
        }
        match accepted {
            Some(f_new) if all_finite(f_new, &g_new, &h_new) => {
                std::mem::swap(&mut x, &mut x_new);
                std::mem::swap(&mut g, &mut g_new);
                std::mem::swap(&mut h, &mut h_new);
                f = f_new;
            }
            // At the value's rounding floor: as close as floating point gets.
            _ if max_abs(&g) < NOISE_FLOOR => break,
            _ => return None,
        }
    }
    symmetrize(&mut h, n);
    Some(check_converged(&g, iterations, settings).map(|()| Minimum {
        theta: x,
        iterations,
        hessian: h,
    }))
}

/// `(H + μI)⁻¹ b` with the smallest `μ` in 0, 1e-10·s, 1e-9·s, … (s the largest diagonal
/// entry of `H`) that makes the matrix positive definite; `None` if none up to 1e6·s does.
fn solve_shifted(h: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    if let Some(x) = solve_spd(h, b, n) {
        return Some(x);
    }
    let scale = (0..n)
        .map(|i| h[i * n + i].abs())
        .fold(0.0, f64::max)
        .max(1e-300);
    let mut shifted = h.to_vec();
    let mut mu = 1e-10 * scale;
    while mu <= 1e6 * scale {
        (0..n).for_each(|i| shifted[i * n + i] = h[i * n + i] + mu);
        if let Some(x) = solve_spd(&shifted, b, n) {
            return Some(x);
        }
        mu *= 10.0;
    }
    None
}

/// BFGS, then Newton steps on the finite-difference Hessian (see [`minimize`]).
fn bfgs(obj: &dyn Objective, start: &[f64], settings: Settings) -> Result<Minimum, Failure> {
    let n = obj.dim();
    let mut x = start.to_vec();
    let mut g = vec![0.0; n];
    let mut f = obj.value_grad(&x, &mut g);
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Err(Failure::BadStart);
    }
    let mut inv_h = identity(n);
    let mut first_update = true;
    let mut iterations = 0;
    let (mut stalled, mut resets) = (0, 0);
    let (mut x_new, mut g_new) = (vec![0.0; n], vec![0.0; n]);
    while max_abs(&g) > settings.tolerance && iterations < settings.max_iterations {
        iterations += 1;
        let mut d = mat_vec(&inv_h, &g, n);
        d.iter_mut().for_each(|v| *v = -*v);
        if dot(&d, &g) >= 0.0 {
            // Not a descent direction (rounding in H): restart from steepest descent.
            inv_h = identity(n);
            first_update = true;
            d = g.iter().map(|v| -v).collect();
        }
        let found = line_search(obj, &x, f, &g, &d, &mut x_new, &mut g_new);
        let progress = matches!(found, Some(f_new) if f - f_new > STALL * f.abs().max(1.0));
        stalled = if progress { 0 } else { stalled + 1 };
        if let Some(f_new) = found {
            let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
            let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
            bfgs_update(&mut inv_h, &s, &y, &mut first_update);
            x.copy_from_slice(&x_new);
            g.copy_from_slice(&g_new);
            f = f_new;
        }
        if found.is_none() || stalled == 3 {
            // No or tiny progress: either the value is at its rounding floor (the Newton
            // phase below takes over) or the inverse Hessian is badly scaled, so restart it
            // a couple of times before giving up.
            if resets == MAX_RESETS || max_abs(&g) < NOISE_FLOOR {
                break; // near the optimum the Newton phase is the quicker way
            }
            (inv_h, first_update, stalled, resets) = (identity(n), true, 0, resets + 1);
        }
    }
    let h = hessian(obj, &x);
    let (x, g, steps) = newton_chord(obj, x, f, g, &h, settings.tolerance);
    let hessian = if steps > 0 { hessian(obj, &x) } else { h };
    check_converged(&g, iterations, settings)?;
    Ok(Minimum {
        theta: x,
        iterations,
        hessian,
    })
}

/// Newton steps from `start`: with the analytic Hessian if the objective has one, otherwise
/// with `approx`, a Hessian estimated elsewhere (on a sample of the data), then with the
/// Hessian at the point reached if that was not enough: a few gradient evaluations instead of
/// a full BFGS run. Returns the point with the Hessian there.
pub(crate) fn refine(
    obj: &dyn Objective,
    start: &[f64],
    approx: &[f64],
    settings: Settings,
) -> Result<Minimum, Failure> {
    if let Some(result) = newton(obj, start, settings) {
        // From a good start Newton's method on the exact Hessian needs no approximation.
        return result;
    }
    let x = start.to_vec();
    let mut g = vec![0.0; x.len()];
    let f = obj.value_grad(&x, &mut g);
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Err(Failure::BadStart);
    }
    let (x, g, mut steps) = newton_chord(obj, x, f, g, approx, settings.tolerance);
    let mut h = hessian(obj, &x);
    let (x, g) = if max_abs(&g) > settings.tolerance {
        let f = obj.value(&x);
        let (x, g, more) = newton_chord(obj, x, f, g, &h, settings.tolerance);
        if more > 0 {
            h = hessian(obj, &x);
        }
        steps += more;
        (x, g)
    } else {
        (x, g)
    };
    check_converged(&g, steps, settings)?;
    Ok(Minimum {
        theta: x,
        iterations: steps,
        hessian: h,
    })
}

/// Past the tolerance but under the noise floor is as close as floating point gets (for
/// finite-difference gradients especially); anything larger did not converge.
fn check_converged(g: &[f64], iterations: usize, settings: Settings) -> Result<(), Failure> {
    let gradient = max_abs(g);
    if gradient > settings.tolerance && gradient > NOISE_FLOOR {
        return Err(Failure::NotConverged {
            iterations,
            gradient,
        });
    }
    Ok(())
}

fn identity(n: usize) -> Vec<f64> {
    let mut m = vec![0.0; n * n];
    (0..n).for_each(|i| m[i * n + i] = 1.0);
    m
}

fn mat_vec(m: &[f64], v: &[f64], n: usize) -> Vec<f64> {
    (0..n).map(|i| dot(&m[i * n..(i + 1) * n], v)).collect()
}

/// Backtracking from the full step (capped at [`MAX_STEP`]) until the Armijo condition
/// holds; quadratic interpolation picks each shorter step. Returns the new value, with the
/// point and gradient written to `x_new` and `g_new`, or `None` if no step decreases `f`.
fn line_search(
    obj: &dyn Objective,
    x: &[f64],
    f: f64,
    g: &[f64],
    d: &[f64],
    x_new: &mut [f64],
    g_new: &mut [f64],
) -> Option<f64> {
    let slope = dot(g, d);
    let mut step = (MAX_STEP / max_abs(d)).min(1.0);
    for _ in 0..40 {
        x_new
            .iter_mut()
            .zip(x.iter().zip(d))
            .for_each(|(xn, (xi, di))| *xn = xi + step * di);
        let f_new = obj.value_grad(x_new, g_new);
        let finite = f_new.is_finite() && g_new.iter().all(|v| v.is_finite());
        // Strictly lower: a step that only ties the value (at its rounding floor) is no
        // progress, and the Newton phase takes over from there.
        if finite && f_new <= f + 1e-4 * step * slope && f_new < f {
            return Some(f_new);
        }
        if -slope * step < 1e-16 * f.abs().max(1.0) {
            return None; // shorter steps cannot lower the value by a representable amount
        }
        let next = if finite {
            // Minimiser of the quadratic through f, the slope at 0 and f_new.
            -slope * step * step / (2.0 * (f_new - f - slope * step))
        } else {
            0.1 * step
        };
        step = next.clamp(0.1 * step, 0.5 * step);
    }
    None
}

/// The BFGS update of the inverse Hessian; skipped when the curvature condition fails (the
/// Armijo search does not enforce it).
fn bfgs_update(inv_h: &mut [f64], s: &[f64], y: &[f64], first: &mut bool) {
    let n = s.len();
    let sy = dot(s, y);
    if sy <= 1e-12 * dot(s, s).sqrt() * dot(y, y).sqrt() || sy == 0.0 {
        return;
    }
    if *first {
        // Scale the initial identity to the curvature seen (Nocedal & Wright, eq. 6.20).
        let scale = sy / dot(y, y);
        inv_h.iter_mut().for_each(|v| *v *= scale);
        *first = false;
    }
    let rho = 1.0 / sy;
    let hy = mat_vec(inv_h, y, n);
    let yhy = dot(y, &hy);
    for i in 0..n {
        for j in 0..n {
            inv_h[i * n + j] +=
                rho * ((1.0 + rho * yhy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j]);
        }
    }
}

/// Newton steps with the fixed Hessian `h` (the chord method: near the optimum the Hessian
/// barely changes) until the gradient is below `tolerance`. A step is kept when it shrinks
/// the gradient without raising the value beyond rounding. Returns the point, its gradient
/// and the number of steps taken.
fn newton_chord(
    obj: &dyn Objective,
    mut x: Vec<f64>,
    mut f: f64,
    mut g: Vec<f64>,
    h: &[f64],
    tolerance: f64,
) -> (Vec<f64>, Vec<f64>, usize) {
    let n = x.len();
    let mut steps = 0;
    while steps < MAX_NEWTON_STEPS && max_abs(&g) > tolerance {
        let Some(step) = solve_damped(h, &g, n) else {
            break;
        };
        if max_abs(&step) > MAX_STEP {
            break;
        }
        let trial: Vec<f64> = x.iter().zip(&step).map(|(a, b)| a - b).collect();
        let mut g_trial = vec![0.0; n];
        let f_trial = obj.value_grad(&trial, &mut g_trial);
        let no_worse = f_trial <= f + ROUNDING * f.abs().max(1.0);
        if !(f_trial.is_finite() && no_worse && max_abs(&g_trial) < max_abs(&g)) {
            break;
        }
        (x, f, g) = (trial, f_trial.min(f), g_trial);
        steps += 1;
    }
    (x, g, steps)
}

/// The Hessian of `obj` at `x`: the analytic one if the objective has it, else by finite
/// differences: forward differences of the gradient when it is exact, otherwise central
/// differences of values (the four-point formula for mixed partials).
pub(crate) fn hessian(obj: &dyn Objective, x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut h = vec![0.0; n * n];
    let mut g = vec![0.0; n];
    if obj.value_grad_hess(x, &mut g, &mut h).is_some() {
        symmetrize(&mut h, n);
        return h;
    }
    let mut probe = x.to_vec();
    if obj.exact_gradient() {
        // Forward differences of the exact gradient: n gradient evaluations (the fits of large
        // data spend most of their time here) for ~1e-6 relative accuracy, ample for
        // standard errors and Newton steps.
        let mut g0 = vec![0.0; n];
        obj.value_grad(x, &mut g0);
        let mut up = vec![0.0; n];
        for j in 0..n {
            let step = FD_HESSIAN_STEP_GRAD * (1.0 + x[j].abs());
            probe[j] = x[j] + step;
            obj.value_grad(&probe, &mut up);
            probe[j] = x[j];
            (0..n).for_each(|i| h[i * n + j] = (up[i] - g0[i]) / step);
        }
    } else {
        let f0 = obj.value(x);
        let steps: Vec<f64> = x
            .iter()
            .map(|v| FD_HESSIAN_STEP_VALUE * (1.0 + v.abs()))
            .collect();
        for i in 0..n {
            for j in i..n {
                let mut at = |di: f64, dj: f64| {
                    probe[i] += di * steps[i];
                    probe[j] += dj * steps[j];
                    let v = obj.value(&probe);
                    probe.copy_from_slice(x);
                    v
                };
                let v = if i == j {
                    (at(1.0, 0.0) - 2.0 * f0 + at(-1.0, 0.0)) / (steps[i] * steps[i])
                } else {
                    (at(1.0, 1.0) - at(1.0, -1.0) - at(-1.0, 1.0) + at(-1.0, -1.0))
                        / (4.0 * steps[i] * steps[j])
                };
                h[i * n + j] = v;
                h[j * n + i] = v;
            }
        }
    }
    symmetrize(&mut h, n);
    h
}

fn symmetrize(h: &mut [f64], n: usize) {
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (h[i * n + j] + h[j * n + i]);
            h[i * n + j] = m;
            h[j * n + i] = m;
        }
    }
}

/// Cholesky factor `L` (row-major, lower) of a symmetric positive-definite matrix.
fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if i == j {
                if !(s > 0.0 && s.is_finite()) {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Solves `A x = b` for symmetric positive-definite `A`; `None` if `A` is not.
pub(crate) fn solve_spd(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let l = cholesky(a, n)?;
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i * n + k] * y[k]).sum::<f64>()) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k * n + i] * x[k]).sum::<f64>()) / l[i * n + i];
    }
    Some(x)
}

/// Solves `(H + μI) x = b` with the smallest `μ` in 0, 1e-12·scale, 1e-10·scale, ... that
/// makes the matrix positive definite: on a ridge of the likelihood (a parameter pair only
/// identified through its ratio) the Hessian is singular up to rounding, and a little damping
/// still lets the well-determined directions converge.
fn solve_damped(h: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    if let Some(x) = solve_spd(h, b, n) {
        return Some(x);
    }
    let scale = (0..n)
        .map(|i| h[i * n + i].abs())
        .fold(0.0, f64::max)
        .max(1e-300);
    let mut damped = h.to_vec();
    let mut mu = 1e-12 * scale;
    for _ in 0..8 {
        (0..n).for_each(|i| damped[i * n + i] = h[i * n + i] + mu);
        if let Some(x) = solve_spd(&damped, b, n) {
            return Some(x);
        }
        mu *= 100.0;
    }
    None
}

/// Inverse of a symmetric positive-definite matrix, or `None` if it is not (for example a
/// fit on the boundary of the parameter space, where the likelihood is flat in a direction).
pub(crate) fn invert_spd(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut inv = vec![0.0; n * n];
    for j in 0..n {
        let mut e = vec![0.0; n];
        e[j] = 1.0;
        let col = solve_spd(a, &e, n)?;
        (0..n).for_each(|i| inv[i * n + j] = col[i]);
    }
    symmetrize(&mut inv, n);
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's banana: a hard valley, minimum 0 at (1, 1).
    struct Rosenbrock;
    impl Objective for Rosenbrock {
        fn dim(&self) -> usize {
            2
        }
        fn value(&self, t: &[f64]) -> f64 {
            (1.0 - t[0]).powi(2) + 100.0 * (t[1] - t[0] * t[0]).powi(2)
        }
    }

    struct ExactRosenbrock;
    impl Objective for ExactRosenbrock {
        fn dim(&self) -> usize {
            2
        }
        fn value(&self, t: &[f64]) -> f64 {
            Rosenbrock.value(t)
        }
        fn value_grad(&self, t: &[f64], g: &mut [f64]) -> f64 {
            g[0] = -2.0 * (1.0 - t[0]) - 400.0 * t[0] * (t[1] - t[0] * t[0]);
            g[1] = 200.0 * (t[1] - t[0] * t[0]);
            self.value(t)
        }
        fn exact_gradient(&self) -> bool {
            true
        }
    }

    #[test]
    fn finds_rosenbrock_minimum_with_both_gradients() {
        let settings = Settings {
            max_iterations: 500,
            tolerance: 1e-9,
        };
        for obj in [&Rosenbrock as &dyn Objective, &ExactRosenbrock] {
            let m = minimize(obj, &[-1.2, 1.0], settings).unwrap();
            assert!(
                (m.theta[0] - 1.0).abs() < 1e-6 && (m.theta[1] - 1.0).abs() < 1e-6,
                "{:?}",
                m.theta
            );
            // Hessian at (1, 1): [[802, -400], [-400, 200]].
            assert!((m.hessian[0] - 802.0).abs() < 1e-2, "{:?}", m.hessian);
            assert!((m.hessian[1] + 400.0).abs() < 1e-2, "{:?}", m.hessian);
            assert!((m.hessian[3] - 200.0).abs() < 1e-2);
        }
    }

    #[test]
    fn inverse_of_spd_matrix() {
        let a = [4.0, 1.0, 1.0, 3.0];
        let inv = invert_spd(&a, 2).unwrap();
        let want = [3.0 / 11.0, -1.0 / 11.0, -1.0 / 11.0, 4.0 / 11.0];
        for (g, w) in inv.iter().zip(want) {
            assert!((g - w).abs() < 1e-15);
        }
        assert!(invert_spd(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }

    #[test]
    fn reports_bad_start() {
        struct Nan;
        impl Objective for Nan {
            fn dim(&self) -> usize {
                1
            }
            fn value(&self, _: &[f64]) -> f64 {
                f64::NAN
            }
        }
        let settings = Settings {
            max_iterations: 10,
            tolerance: 1e-9,
        };
        assert!(matches!(
            minimize(&Nan, &[0.0], settings),
            Err(Failure::BadStart)
        ));
    }
}
