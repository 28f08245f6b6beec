;; Small WebAssembly SIMD kernels that run directly on the tfjs-backend-wasm heap (the memory is
;; imported from it, so arguments are byte offsets of tensor storage). Assembled by
;; scripts/build-kernels.js into simd-kernels-wasm.ts; loaded by lib/runtime/simd-kernels.ts.
(module
  (import "env" "memory" (memory 0))

  ;; One Adam step on 4 lanes at byte offset $o (PyTorch's rule, see lib/train/adam.ts):
  ;;   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  returns p − s·m / (√v·c + ε)
  ;; with s = lr/(1−β1ᵗ), c = 1/√(1−β2ᵗ). m and v are updated in place.
  (func $adam4 (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $o i32)
               (param $b1 v128) (param $a1 v128) (param $b2 v128) (param $a2 v128) (param $s v128) (param $c v128) (param $e v128)
               (result v128)
    (local $G v128) (local $M v128) (local $V v128)
    (local.set $G (v128.load (i32.add (local.get $g) (local.get $o))))
    (local.set $M (f32x4.add (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $o))))
                             (f32x4.mul (local.get $a1) (local.get $G))))
    (local.set $V (f32x4.add (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $o))))
                             (f32x4.mul (local.get $a2) (f32x4.mul (local.get $G) (local.get $G)))))
    (v128.store (i32.add (local.get $m) (local.get $o)) (local.get $M))
    (v128.store (i32.add (local.get $v) (local.get $o)) (local.get $V))
    (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $o)))
               (f32x4.div (f32x4.mul (local.get $s) (local.get $M))
                          (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $V)) (local.get $c)) (local.get $e)))))

  ;; The same on one element.
  (func $adam1 (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $o i32)
               (param $b1 f32) (param $b2 f32) (param $s f32) (param $c f32) (param $e f32)
               (result f32)
    (local $G f32) (local $M f32) (local $V f32)
    (local.set $G (f32.load (i32.add (local.get $g) (local.get $o))))
    (local.set $M (f32.add (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $o))))
                           (f32.mul (f32.sub (f32.const 1) (local.get $b1)) (local.get $G))))
    (local.set $V (f32.add (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $o))))
                           (f32.mul (f32.sub (f32.const 1) (local.get $b2)) (f32.mul (local.get $G) (local.get $G)))))
    (f32.store (i32.add (local.get $m) (local.get $o)) (local.get $M))
    (f32.store (i32.add (local.get $v) (local.get $o)) (local.get $V))
    (f32.sub (f32.load (i32.add (local.get $p) (local.get $o)))
             (f32.div (f32.mul (local.get $s) (local.get $M))
                      (f32.add (f32.mul (f32.sqrt (local.get $V)) (local.get $c)) (local.get $e)))))

  ;; Adam over n elements: new parameter values to $out.
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32) (param $n i32)
                        (param $b1 f32) (param $b2 f32) (param $s f32) (param $c f32) (param $e f32)
    (local $i i32) (local $o i32) (local $end4 i32)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128) (local $S v128) (local $C v128) (local $E v128)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $A1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $C (f32x4.splat (local.get $c)))
    (local.set $E (f32x4.splat (local.get $e)))
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (call $adam4 (local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $o)
                       (local.get $B1) (local.get $A1) (local.get $B2) (local.get $A2) (local.get $S) (local.get $C) (local.get $E)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (block $done1
      (loop $next1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (call $adam1 (local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $o)
                       (local.get $b1) (local.get $b2) (local.get $s) (local.get $c) (local.get $e)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next1))))

  ;; Adam over a rows×cols matrix that also writes the new values transposed (cols×rows) to $outT.
  (func (export "adamTransposing") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32) (param $outT i32)
                        (param $rows i32) (param $cols i32)
                        (param $b1 f32) (param $b2 f32) (param $s f32) (param $c f32) (param $e f32)
    (local $r i32) (local $col i32) (local $o i32) (local $t i32) (local $end4 i32) (local $rowStride i32) (local $N v128) (local $x f32)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128) (local $S v128) (local $C v128) (local $E v128)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $A1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $C (f32x4.splat (local.get $c)))
    (local.set $E (f32x4.splat (local.get $e)))
    (local.set $end4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rowStride (i32.shl (local.get $rows) (i32.const 2)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $col (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $col) (local.get $end4)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $col)) (i32.const 2)))
            (local.set $N (call $adam4 (local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $o)
                       (local.get $B1) (local.get $A1) (local.get $B2) (local.get $A2) (local.get $S) (local.get $C) (local.get $E)))
            (v128.store (i32.add (local.get $out) (local.get $o)) (local.get $N))
            ;; outT[(col + k)·rows + r]
            (local.set $t (i32.add (local.get $outT) (i32.shl (i32.add (i32.mul (local.get $col) (local.get $rows)) (local.get $r)) (i32.const 2))))
            (f32.store (local.get $t) (f32x4.extract_lane 0 (local.get $N)))
            (local.set $t (i32.add (local.get $t) (local.get $rowStride)))
            (f32.store (local.get $t) (f32x4.extract_lane 1 (local.get $N)))
            (local.set $t (i32.add (local.get $t) (local.get $rowStride)))
            (f32.store (local.get $t) (f32x4.extract_lane 2 (local.get $N)))
            (local.set $t (i32.add (local.get $t) (local.get $rowStride)))
            (f32.store (local.get $t) (f32x4.extract_lane 3 (local.get $N)))
            (local.set $col (i32.add (local.get $col) (i32.const 4)))
            (br $next)))
        (block $done1
          (loop $next1
            (br_if $done1 (i32.ge_u (local.get $col) (local.get $cols)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $col)) (i32.const 2)))
            (local.set $x (call $adam1 (local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $o)
                       (local.get $b1) (local.get $b2) (local.get $s) (local.get $c) (local.get $e)))
            (f32.store (i32.add (local.get $out) (local.get $o)) (local.get $x))
            (f32.store (i32.add (local.get $outT) (i32.shl (i32.add (i32.mul (local.get $col) (local.get $rows)) (local.get $r)) (i32.const 2)))
                       (local.get $x))
            (local.set $col (i32.add (local.get $col) (i32.const 1)))
            (br $next1)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; Σ_j a[j]·b[j] over n float32 values at byte offsets $a, $b (4 lanes, then the tail).
  (func (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $i i32) (local $o i32) (local $end4 i32) (local $acc v128) (local $s f32)
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $o))) (v128.load (i32.add (local.get $b) (local.get $o))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                           (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $done1
      (loop $next1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul (f32.load (i32.add (local.get $a) (local.get $o))) (f32.load (i32.add (local.get $b) (local.get $o))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next1)))
    (local.get $s))
;; out[j] = Σ_k g[k]·P[k·n + j] for j < n: K rows of P (n floats each) mixed by the K weights at $g.
  ;; Row by row (out stays in cache): out = g[0]·P_0, then out += g[k]·P_k.
  (func (export "combineRows") (param $out i32) (param $P i32) (param $g i32) (param $K i32) (param $n i32)
    (local $k i32) (local $j i32) (local $o i32) (local $row i32) (local $end4 i32) (local $w f32) (local $W v128)
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $w (f32.load (i32.add (local.get $g) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $W (f32x4.splat (local.get $w)))
        (local.set $row (i32.add (local.get $P) (i32.shl (i32.mul (local.get $k) (local.get $n)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $j) (local.get $end4)))
            (local.set $o (i32.shl (local.get $j) (i32.const 2)))
            (if (i32.eqz (local.get $k))
              (then (v128.store (i32.add (local.get $out) (local.get $o))
                      (f32x4.mul (local.get $W) (v128.load (i32.add (local.get $row) (local.get $o))))))
              (else (v128.store (i32.add (local.get $out) (local.get $o))
                      (f32x4.add (v128.load (i32.add (local.get $out) (local.get $o)))
                                 (f32x4.mul (local.get $W) (v128.load (i32.add (local.get $row) (local.get $o))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $next)))
        (block $done1
          (loop $next1
            (br_if $done1 (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $o (i32.shl (local.get $j) (i32.const 2)))
            (if (i32.eqz (local.get $k))
              (then (f32.store (i32.add (local.get $out) (local.get $o))
                      (f32.mul (local.get $w) (f32.load (i32.add (local.get $row) (local.get $o))))))
              (else (f32.store (i32.add (local.get $out) (local.get $o))
                      (f32.add (f32.load (i32.add (local.get $out) (local.get $o)))
                               (f32.mul (local.get $w) (f32.load (i32.add (local.get $row) (local.get $o))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $nextRow))))
;; Outside the alignment window, one pass over a decoder's transposed pre-activations (D×B, B a
  ;; multiple of 4): y = act(pre + b) (relu when $relu ≠ 0), Σ (y − target)², and the gradient
  ;; c·(y − target)·act'(pre + b) written transposed (gradT) and as rows (gradRows, B×D), summed per
  ;; feature into biasGrad. Returns the sum of squares (f32 per feature, f64 over features).
  (func (export "reconstructionPass") (param $preT i32) (param $bias i32) (param $targetT i32) (param $gradT i32) (param $gradRows i32)
                                      (param $biasGrad i32) (param $B i32) (param $D i32) (param $relu i32) (param $c f32) (result f64)
    (local $d i32) (local $i i32) (local $o i32) (local $r i32) (local $rowStride i32) (local $total f64)
    (local $b v128) (local $C v128) (local $x v128) (local $mask v128) (local $diff v128) (local $g v128) (local $accS v128) (local $accG v128)
    (local.set $C (f32x4.splat (local.get $c)))
    (local.set $rowStride (i32.shl (local.get $D) (i32.const 2)))
    (block $featuresDone
      (loop $nextFeature
        (br_if $featuresDone (i32.ge_u (local.get $d) (local.get $D)))
        (local.set $b (f32x4.splat (f32.load (i32.add (local.get $bias) (i32.shl (local.get $d) (i32.const 2))))))
        (local.set $accS (v128.const i32x4 0 0 0 0))
        (local.set $accG (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $B)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $d) (local.get $B)) (local.get $i)) (i32.const 2)))
            (local.set $x (f32x4.add (v128.load (i32.add (local.get $preT) (local.get $o))) (local.get $b)))
            (if (local.get $relu)
              (then
                (local.set $mask (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0)))
                (local.set $x (v128.and (local.get $x) (local.get $mask))))
              (else (local.set $mask (v128.const i32x4 -1 -1 -1 -1))))
            (local.set $diff (f32x4.sub (local.get $x) (v128.load (i32.add (local.get $targetT) (local.get $o)))))
            (local.set $accS (f32x4.add (local.get $accS) (f32x4.mul (local.get $diff) (local.get $diff))))
            (local.set $g (v128.and (f32x4.mul (local.get $C) (local.get $diff)) (local.get $mask)))
            (v128.store (i32.add (local.get $gradT) (local.get $o)) (local.get $g))
            (local.set $accG (f32x4.add (local.get $accG) (local.get $g)))
            ;; gradRows[(i + q)·D + d] = g[q]
            (local.set $r (i32.add (local.get $gradRows) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $D)) (local.get $d)) (i32.const 2))))
            (f32.store (local.get $r) (f32x4.extract_lane 0 (local.get $g)))
            (local.set $r (i32.add (local.get $r) (local.get $rowStride)))
            (f32.store (local.get $r) (f32x4.extract_lane 1 (local.get $g)))
            (local.set $r (i32.add (local.get $r) (local.get $rowStride)))
            (f32.store (local.get $r) (f32x4.extract_lane 2 (local.get $g)))
            (local.set $r (i32.add (local.get $r) (local.get $rowStride)))
            (f32.store (local.get $r) (f32x4.extract_lane 3 (local.get $g)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next)))
        (f32.store (i32.add (local.get $biasGrad) (i32.shl (local.get $d) (i32.const 2)))
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $accG)) (f32x4.extract_lane 1 (local.get $accG)))
                   (f32.add (f32x4.extract_lane 2 (local.get $accG)) (f32x4.extract_lane 3 (local.get $accG)))))
        (local.set $total (f64.add (local.get $total) (f64.promote_f32
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $accS)) (f32x4.extract_lane 1 (local.get $accS)))
                   (f32.add (f32x4.extract_lane 2 (local.get $accS)) (f32x4.extract_lane 3 (local.get $accS)))))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $nextFeature)))
    (local.get $total))
;; dst (cols×rows) ← src (rows×cols) transposed: 4×4 blocks through registers, scalar edges.
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (local $r i32) (local $c i32) (local $rows4 i32) (local $cols4 i32) (local $s i32) (local $d i32)
    (local $srcRow i32) (local $dstRow i32)
    (local $N0 v128) (local $N1 v128) (local $N2 v128) (local $N3 v128) (local $T0 v128) (local $T1 v128) (local $T2 v128) (local $T3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $srcRow (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $dstRow (i32.shl (local.get $rows) (i32.const 2)))
    (block $blockRowsDone
      (loop $nextBlockRow
        (br_if $blockRowsDone (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $c (i32.const 0))
        (block $blocksDone
          (loop $nextBlock
            (br_if $blocksDone (i32.ge_u (local.get $c) (local.get $cols4)))
            (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
            (local.set $N0 (v128.load (local.get $s)))
            (local.set $N1 (v128.load (i32.add (local.get $s) (local.get $srcRow))))
            (local.set $N2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $srcRow) (i32.const 1)))))
            (local.set $N3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $srcRow) (i32.const 3)))))
            (local.set $T0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $N0) (local.get $N1)))
            (local.set $T1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $N0) (local.get $N1)))
            (local.set $T2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $N2) (local.get $N3)))
            (local.set $T3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $N2) (local.get $N3)))
            (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
            (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T0) (local.get $T2)))
            (v128.store (i32.add (local.get $d) (local.get $dstRow)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T0) (local.get $T2)))
            (v128.store (i32.add (local.get $d) (i32.shl (local.get $dstRow) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T1) (local.get $T3)))
            (v128.store (i32.add (local.get $d) (i32.mul (local.get $dstRow) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T1) (local.get $T3)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $nextBlock)))
        ;; right edge of these four rows
        (block $edgeDone
          (loop $nextEdge
            (br_if $edgeDone (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
            (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
            (f32.store (local.get $d) (f32.load (local.get $s)))
            (f32.store offset=4 (local.get $d) (f32.load (i32.add (local.get $s) (local.get $srcRow))))
            (f32.store offset=8 (local.get $d) (f32.load (i32.add (local.get $s) (i32.shl (local.get $srcRow) (i32.const 1)))))
            (f32.store offset=12 (local.get $d) (f32.load (i32.add (local.get $s) (i32.mul (local.get $srcRow) (i32.const 3)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $nextEdge)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $nextBlockRow)))
    ;; bottom edge
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $c) (local.get $cols)))
            (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
                       (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))
;; ---- the decoders' pass inside the alignment window (layouts: features × columns; B, R multiples of 4)

  ;; yT ← act(yT + b) in place; yT is D×R, b has D entries; relu when $relu ≠ 0.
  (func (export "biasActivation") (param $yT i32) (param $bias i32) (param $D i32) (param $R i32) (param $relu i32)
    (local $d i32) (local $i i32) (local $o i32) (local $b v128) (local $x v128)
    (block $done
      (loop $nextFeature
        (br_if $done (i32.ge_u (local.get $d) (local.get $D)))
        (local.set $b (f32x4.splat (f32.load (i32.add (local.get $bias) (i32.shl (local.get $d) (i32.const 2))))))
        (local.set $i (i32.const 0))
        (block $rowDone
          (loop $next
            (br_if $rowDone (i32.ge_u (local.get $i) (local.get $R)))
            (local.set $o (i32.add (local.get $yT) (i32.shl (i32.add (i32.mul (local.get $d) (local.get $R)) (local.get $i)) (i32.const 2))))
            (local.set $x (f32x4.add (v128.load (local.get $o)) (local.get $b)))
            (if (local.get $relu)
              (then (local.set $x (v128.and (local.get $x) (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0))))))
            (v128.store (local.get $o) (local.get $x))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $nextFeature))))

  ;; Columns col0 … col0+B−1 of outT (D×R) against targetT (D×B): gradT there ← c·(out − target);
  ;; returns Σ (out − target)² (f32 per feature, f64 over features).
  (func (export "mseColumns") (param $outT i32) (param $targetT i32) (param $gradT i32) (param $col0 i32)
                              (param $D i32) (param $B i32) (param $R i32) (param $c f32) (result f64)
    (local $d i32) (local $i i32) (local $o i32) (local $diff v128) (local $acc v128) (local $C v128) (local $total f64)
    (local.set $C (f32x4.splat (local.get $c)))
    (block $done
      (loop $nextFeature
        (br_if $done (i32.ge_u (local.get $d) (local.get $D)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $rowDone
          (loop $next
            (br_if $rowDone (i32.ge_u (local.get $i) (local.get $B)))
            (local.set $o (i32.shl (i32.add (i32.add (i32.mul (local.get $d) (local.get $R)) (local.get $col0)) (local.get $i)) (i32.const 2)))
            (local.set $diff (f32x4.sub (v128.load (i32.add (local.get $outT) (local.get $o)))
              (v128.load (i32.add (local.get $targetT) (i32.shl (i32.add (i32.mul (local.get $d) (local.get $B)) (local.get $i)) (i32.const 2))))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $diff) (local.get $diff))))
            (v128.store (i32.add (local.get $gradT) (local.get $o)) (f32x4.mul (local.get $C) (local.get $diff)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next)))
        (local.set $total (f64.add (local.get $total) (f64.promote_f32
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                   (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $nextFeature)))
    (local.get $total))

  ;; dist[i] = Σ_d (aT[d, i] − outT[d, col0 + i])², i < B (aT is D×B, outT D×R).
  (func (export "squaredDistances") (param $aT i32) (param $outT i32) (param $col0 i32) (param $D i32) (param $B i32) (param $R i32) (param $dist i32)
    (local $d i32) (local $i i32) (local $p i32) (local $diff v128)
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $i) (local.get $B)))
        (v128.store (i32.add (local.get $dist) (i32.shl (local.get $i) (i32.const 2))) (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $zero)))
    (block $done
      (loop $nextFeature
        (br_if $done (i32.ge_u (local.get $d) (local.get $D)))
        (local.set $i (i32.const 0))
        (block $rowDone
          (loop $next
            (br_if $rowDone (i32.ge_u (local.get $i) (local.get $B)))
            (local.set $diff (f32x4.sub
              (v128.load (i32.add (local.get $aT) (i32.shl (i32.add (i32.mul (local.get $d) (local.get $B)) (local.get $i)) (i32.const 2))))
              (v128.load (i32.add (local.get $outT) (i32.shl (i32.add (i32.add (i32.mul (local.get $d) (local.get $R)) (local.get $col0)) (local.get $i)) (i32.const 2))))))
            (local.set $p (i32.add (local.get $dist) (i32.shl (local.get $i) (i32.const 2))))
            (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $diff) (local.get $diff))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $nextFeature))))

  ;; dst[d, j] = src[d, idx[j]] for a D×B matrix and B int32 column indices.
  (func (export "gatherColumns") (param $src i32) (param $D i32) (param $B i32) (param $idx i32) (param $dst i32)
    (local $d i32) (local $j i32) (local $row i32)
    (block $done
      (loop $nextFeature
        (br_if $done (i32.ge_u (local.get $d) (local.get $D)))
        (local.set $row (i32.mul (local.get $d) (local.get $B)))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $next
            (br_if $rowDone (i32.ge_u (local.get $j) (local.get $B)))
            (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (local.get $row) (local.get $j)) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (i32.add (local.get $row)
                (i32.load (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2))))) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $nextFeature))))

  ;; Alignment gradient on columns col0 … col0+B−1 of gradT (D×R), assigned (not added):
  ;;   g[d, col0+j] = cPos[j]·(out[d, col0+j] − a[d, j]) + cNeg[j]·(out[d, col0+j] − aNeg[d, j])
  ;; (aNeg: the anchors whose negative is column j, i.e. aT's columns permuted by the inverse of i⁻).
  (func (export "alignmentGradient") (param $gradT i32) (param $outT i32) (param $aT i32) (param $aNegT i32) (param $cPos i32) (param $cNeg i32)
                                     (param $col0 i32) (param $D i32) (param $B i32) (param $R i32)
    (local $d i32) (local $j i32) (local $o i32) (local $a i32) (local $y v128)
    (block $done
      (loop $nextFeature
        (br_if $done (i32.ge_u (local.get $d) (local.get $D)))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $next
            (br_if $rowDone (i32.ge_u (local.get $j) (local.get $B)))
            (local.set $o (i32.shl (i32.add (i32.add (i32.mul (local.get $d) (local.get $R)) (local.get $col0)) (local.get $j)) (i32.const 2)))
            (local.set $a (i32.shl (i32.add (i32.mul (local.get $d) (local.get $B)) (local.get $j)) (i32.const 2)))
            (local.set $y (v128.load (i32.add (local.get $outT) (local.get $o))))
            (v128.store (i32.add (local.get $gradT) (local.get $o))
              (f32x4.add
                (f32x4.mul (v128.load (i32.add (local.get $cPos) (i32.shl (local.get $j) (i32.const 2))))
                           (f32x4.sub (local.get $y) (v128.load (i32.add (local.get $aT) (local.get $a)))))
                (f32x4.mul (v128.load (i32.add (local.get $cNeg) (i32.shl (local.get $j) (i32.const 2))))
                           (f32x4.sub (local.get $y) (v128.load (i32.add (local.get $aNegT) (local.get $a)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $next)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $nextFeature))))

  ;; gradT (D×R) ← gradT·act'(y) in place (relu: 0 where y ≤ 0), also written as rows (R×D) into
  ;; gradRows, and summed per feature into biasGrad.
  (func (export "activationGradient") (param $yT i32) (param $gradT i32) (param $gradRows i32) (param $biasGrad i32)
                                      (param $D i32) (param $R i32) (param $relu i32)
    (local $d i32) (local $i i32) (local $o i32) (local $r i32) (local $rowStride i32) (local $g v128) (local $acc v128)
    (local.set $rowStride (i32.shl (local.get $D) (i32.const 2)))
    (block $done
      (loop $nextFeature
        (br_if $done (i32.ge_u (local.get $d) (local.get $D)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $rowDone
          (loop $next
            (br_if $rowDone (i32.ge_u (local.get $i) (local.get $R)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $d) (local.get $R)) (local.get $i)) (i32.const 2)))
            (local.set $g (v128.load (i32.add (local.get $gradT) (local.get $o))))
            (if (local.get $relu)
              (then (local.set $g (v128.and (local.get $g)
                      (f32x4.gt (v128.load (i32.add (local.get $yT) (local.get $o))) (v128.const f32x4 0 0 0 0))))))
            (v128.store (i32.add (local.get $gradT) (local.get $o)) (local.get $g))
            (local.set $acc (f32x4.add (local.get $acc) (local.get $g)))
            (local.set $r (i32.add (local.get $gradRows) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $D)) (local.get $d)) (i32.const 2))))
            (f32.store (local.get $r) (f32x4.extract_lane 0 (local.get $g)))
            (local.set $r (i32.add (local.get $r) (local.get $rowStride)))
            (f32.store (local.get $r) (f32x4.extract_lane 1 (local.get $g)))
            (local.set $r (i32.add (local.get $r) (local.get $rowStride)))
            (f32.store (local.get $r) (f32x4.extract_lane 2 (local.get $g)))
            (local.set $r (i32.add (local.get $r) (local.get $rowStride)))
            (f32.store (local.get $r) (f32x4.extract_lane 3 (local.get $g)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next)))
        (f32.store (i32.add (local.get $biasGrad) (i32.shl (local.get $d) (i32.const 2)))
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                   (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $nextFeature))))
)
