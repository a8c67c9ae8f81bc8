;; The SVM solver's two inner loops over one sparse row (docs/training.md, "The SVM solver"). Built into
;; svm-kernels.wasm.ts by `pnpm run wasm:svm` (scripts/build-svm-kernels.ts); edit this file, not that one.
;; Addresses are byte offsets into the imported memory: w is f64, the row's column indices i32, its values f32.
;; Loops count down elements rather than compare addresses, so any offset below 4 GiB works.
(module
  (memory (import "env" "memory") 1)

  ;; Σ w[idx[p]] · val[p] over the n entries at ip and vp: four partial sums, as the JS fallback.
  (func $dot32 (export "dot") (param $w i32) (param $ip i32) (param $vp i32) (param $n i32) (result f64)
    (local $d0 f64) (local $d1 f64) (local $d2 f64) (local $d3 f64) (local $quads i32)
    (local.set $quads (i32.shr_u (local.get $n) (i32.const 2)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.eqz (local.get $quads)))
        (local.set $d0 (f64.add (local.get $d0) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load (local.get $vp))))))
        (local.set $d1 (f64.add (local.get $d1) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load offset=4 (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load offset=4 (local.get $vp))))))
        (local.set $d2 (f64.add (local.get $d2) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load offset=8 (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load offset=8 (local.get $vp))))))
        (local.set $d3 (f64.add (local.get $d3) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load offset=12 (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load offset=12 (local.get $vp))))))
        (local.set $ip (i32.add (local.get $ip) (i32.const 16)))
        (local.set $vp (i32.add (local.get $vp) (i32.const 16)))
        (local.set $quads (i32.sub (local.get $quads) (i32.const 1)))
        (br $next4)))
    (local.set $n (i32.and (local.get $n) (i32.const 3)))
    (block $done1
      (loop $next1
        (br_if $done1 (i32.eqz (local.get $n)))
        (local.set $d0 (f64.add (local.get $d0) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load (local.get $vp))))))
        (local.set $ip (i32.add (local.get $ip) (i32.const 4)))
        (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next1)))
    (f64.add (f64.add (local.get $d0) (local.get $d1)) (f64.add (local.get $d2) (local.get $d3))))

  ;; w[idx[p]] += d · val[p] over the n entries at ip and vp.
  (func $axpy32 (export "axpy") (param $w i32) (param $ip i32) (param $vp i32) (param $n i32) (param $d f64)
    (local $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $at (i32.add (local.get $w) (i32.shl (i32.load (local.get $ip)) (i32.const 3))))
        (f64.store (local.get $at) (f64.add (f64.load (local.get $at))
          (f64.mul (local.get $d) (f64.promote_f32 (f32.load (local.get $vp))))))
        (local.set $ip (i32.add (local.get $ip) (i32.const 4)))
        (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  ;; dot and axpy again for 16-bit column indices (matrices of at most 65,536 columns): 2 bytes less per entry read.
  ;; Σ w[idx[p]] · val[p] over the n entries at ip and vp.
  (func $dot16 (export "dot16") (param $w i32) (param $ip i32) (param $vp i32) (param $n i32) (result f64)
    (local $d0 f64) (local $d1 f64) (local $d2 f64) (local $d3 f64) (local $quads i32)
    (local.set $quads (i32.shr_u (local.get $n) (i32.const 2)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.eqz (local.get $quads)))
        (local.set $d0 (f64.add (local.get $d0) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load16_u (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load (local.get $vp))))))
        (local.set $d1 (f64.add (local.get $d1) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load16_u offset=2 (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load offset=4 (local.get $vp))))))
        (local.set $d2 (f64.add (local.get $d2) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load16_u offset=4 (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load offset=8 (local.get $vp))))))
        (local.set $d3 (f64.add (local.get $d3) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load16_u offset=6 (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load offset=12 (local.get $vp))))))
        (local.set $ip (i32.add (local.get $ip) (i32.const 8)))
        (local.set $vp (i32.add (local.get $vp) (i32.const 16)))
        (local.set $quads (i32.sub (local.get $quads) (i32.const 1)))
        (br $next4)))
    (local.set $n (i32.and (local.get $n) (i32.const 3)))
    (block $done1
      (loop $next1
        (br_if $done1 (i32.eqz (local.get $n)))
        (local.set $d0 (f64.add (local.get $d0) (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (i32.load16_u (local.get $ip)) (i32.const 3))))
          (f64.promote_f32 (f32.load (local.get $vp))))))
        (local.set $ip (i32.add (local.get $ip) (i32.const 2)))
        (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next1)))
    (f64.add (f64.add (local.get $d0) (local.get $d1)) (f64.add (local.get $d2) (local.get $d3))))

  ;; w[idx[p]] += d · val[p] over the n entries at ip and vp.
  (func $axpy16 (export "axpy16") (param $w i32) (param $ip i32) (param $vp i32) (param $n i32) (param $d f64)
    (local $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $at (i32.add (local.get $w) (i32.shl (i32.load16_u (local.get $ip)) (i32.const 3))))
        (f64.store (local.get $at) (f64.add (f64.load (local.get $at))
          (f64.mul (local.get $d) (f64.promote_f32 (f32.load (local.get $vp))))))
        (local.set $ip (i32.add (local.get $ip) (i32.const 2)))
        (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  ;; One pass of the dual coordinate descent over the active examples index[0..active) (svm.ts, solveBinary, has
  ;; the same steps in JavaScript): each gets its gradient g = y·(w·x) − 1 + α/(2C); one at the bound (α = 0) whose g
  ;; exceeds the previous pass's largest projected gradient is shrunk (swapped past the end of the active set);
  ;; the others take the closed-form step on α, and w follows. Returns the new active size; the projected
  ;; gradient's extremes of the pass are left in the globals pgMax and pgMin.
  ;; Arrays: index i32, indptr i32, signs f64 (±1), sqNorm f64 (‖x‖² + 1), alpha f64; w f64 with the intercept at
  ;; byte wBias; column indices at ip (16-bit when narrow is 1, else 32-bit) and values at vp, as dot and axpy.
  (global $pgMax (export "pgMax") (mut f64) (f64.const 0))
  (global $pgMin (export "pgMin") (mut f64) (f64.const 0))
  (func (export "pass")
    (param $active i32) (param $pgMaxOld f64) (param $diag f64)
    (param $index i32) (param $indptr i32) (param $signs i32) (param $sqNorm i32) (param $alpha i32)
    (param $w i32) (param $wBias i32) (param $ip i32) (param $vp i32) (param $narrow i32)
    (result i32)
    (local $s i32) (local $i i32) (local $start i32) (local $n i32) (local $yi f64) (local $dot f64)
    (local $a f64) (local $g f64) (local $pg f64) (local $next f64) (local $d f64) (local $shift i32)
    (local $pgMaxNew f64) (local $pgMinNew f64)
    (local.set $pgMaxNew (f64.const -inf))
    (local.set $pgMinNew (f64.const inf))
    (local.set $shift (select (i32.const 1) (i32.const 2) (local.get $narrow)))
    (block $done
      (loop $visit
        (br_if $done (i32.ge_u (local.get $s) (local.get $active)))
        (local.set $i (i32.load (i32.add (local.get $index) (i32.shl (local.get $s) (i32.const 2)))))
        (local.set $start (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $n (i32.sub
          (i32.load offset=4 (i32.add (local.get $indptr) (i32.shl (local.get $i) (i32.const 2))))
          (local.get $start)))
        (local.set $yi (f64.load (i32.add (local.get $signs) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $dot (f64.add (f64.load (local.get $wBias))
          (if (result f64) (local.get $narrow)
            (then (call $dot16 (local.get $w) (i32.add (local.get $ip) (i32.shl (local.get $start) (local.get $shift)))
              (i32.add (local.get $vp) (i32.shl (local.get $start) (i32.const 2))) (local.get $n)))
            (else (call $dot32 (local.get $w) (i32.add (local.get $ip) (i32.shl (local.get $start) (local.get $shift)))
              (i32.add (local.get $vp) (i32.shl (local.get $start) (i32.const 2))) (local.get $n))))))
        (local.set $a (f64.load (i32.add (local.get $alpha) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $g (f64.add (f64.sub (f64.mul (local.get $yi) (local.get $dot)) (f64.const 1))
          (f64.mul (local.get $a) (local.get $diag))))
        (local.set $pg (f64.const 0))
        (block $projected
          (if (f64.eq (local.get $a) (f64.const 0))
            (then
              (if (f64.gt (local.get $g) (local.get $pgMaxOld))
                (then
                  ;; Shrink: swap it past the end of the active set and visit what took its place.
                  (local.set $active (i32.sub (local.get $active) (i32.const 1)))
                  (i32.store (i32.add (local.get $index) (i32.shl (local.get $s) (i32.const 2)))
                    (i32.load (i32.add (local.get $index) (i32.shl (local.get $active) (i32.const 2)))))
                  (i32.store (i32.add (local.get $index) (i32.shl (local.get $active) (i32.const 2)))
                    (local.get $i))
                  (br $visit)))
              (if (f64.lt (local.get $g) (f64.const 0)) (then (local.set $pg (local.get $g))))
              (br $projected)))
          (local.set $pg (local.get $g)))
        (if (f64.gt (local.get $pg) (local.get $pgMaxNew)) (then (local.set $pgMaxNew (local.get $pg))))
        (if (f64.lt (local.get $pg) (local.get $pgMinNew)) (then (local.set $pgMinNew (local.get $pg))))
        (if (f64.gt (f64.abs (local.get $pg)) (f64.const 1e-12))
          (then
            (local.set $next (f64.sub (local.get $a) (f64.div (local.get $g)
              (f64.add (f64.load (i32.add (local.get $sqNorm) (i32.shl (local.get $i) (i32.const 3))))
                (local.get $diag)))))
            (if (f64.lt (local.get $next) (f64.const 0)) (then (local.set $next (f64.const 0))))
            (f64.store (i32.add (local.get $alpha) (i32.shl (local.get $i) (i32.const 3))) (local.get $next))
            (local.set $d (f64.mul (f64.sub (local.get $next) (local.get $a)) (local.get $yi)))
            (if (local.get $narrow)
              (then (call $axpy16 (local.get $w) (i32.add (local.get $ip) (i32.shl (local.get $start) (local.get $shift)))
                (i32.add (local.get $vp) (i32.shl (local.get $start) (i32.const 2))) (local.get $n) (local.get $d)))
              (else (call $axpy32 (local.get $w) (i32.add (local.get $ip) (i32.shl (local.get $start) (local.get $shift)))
                (i32.add (local.get $vp) (i32.shl (local.get $start) (i32.const 2))) (local.get $n) (local.get $d))))
            (f64.store (local.get $wBias) (f64.add (f64.load (local.get $wBias)) (local.get $d)))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $visit)))
    (global.set $pgMax (local.get $pgMaxNew))
    (global.set $pgMin (local.get $pgMinNew))
    (local.get $active))
)
