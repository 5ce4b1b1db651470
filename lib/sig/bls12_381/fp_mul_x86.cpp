// Montgomery multiplication in Fp (six 64-bit limbs) with MULX, ADCX and
// ADOX (BMI2 + ADX), chosen at run time by fields.hpp's FpParams::mul_fast
// when the CPU has both; elsewhere the portable CIOS in detail/mont.hpp runs.
// Likewise the two halves of it apart, for lazy reduction in Fp2: the
// 768-bit product and the Montgomery reduction of a 768-bit value
// (fields.hpp's fp_mul_wide and fp_redc, portable versions beside them).
//
// Why assembly: ADCX and ADOX carry through two independent flags (CF and
// OF), so the low and high halves of each row of partial products are
// added in two interleaved carry chains; compilers do not emit this from
// portable code, and the portable CIOS costs about 2.5x as much on this
// machine. The routine is the same CIOS as MontField::mul: for each limb
// b[i], t += a b[i] (7 limbs), then m = t0 (-p^-1) mod 2^64, t += m p,
// t >>= 64; the running value stays below 2p < 2^382, so no eighth limb is
// needed, and a final masked (cmov) subtraction brings it below p. No
// branch and no memory index depends on the operands: constant time.
//
// A top-level assembly block (System V AMD64 ABI, ELF) rather than inline
// asm: it needs fourteen registers, more than the compiler can give an
// inline block under sanitizers with frame pointers.
#include "privfin/sig/bls12_381/fields.hpp"

#if defined(__x86_64__) && defined(__ELF__)
#include <cpuid.h>

// privfin_bls12_381_fp_mul_adx (declared in fields.hpp): out = a b / 2^384
// mod p; out may alias a or b (inputs are read before the final stores).
// Arguments: rdi = out, rsi = a, rdx = b.

// Registers: r8..r14 hold t0..t6, their roles rotating by one each row
// (fully unrolled, so the shift t >>= 64 costs no moves: the zero limb left
// by the reduction becomes the next row's t6); rbp = 0, rcx = b, rax/rbx =
// a product's low/high half, rdx = the multiplier.
asm(R"(
	.text
	.p2align 5
	.globl	privfin_bls12_381_fp_mul_adx
	.hidden	privfin_bls12_381_fp_mul_adx
	.type	privfin_bls12_381_fp_mul_adx,@function
privfin_bls12_381_fp_mul_adx:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbp, -16
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbx, -24
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r12, -32
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r13, -40
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r14, -48
	movq	%rdx, %rcx
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	# row 0: t0..t6 = r8, r9, r10, r11, r12, r13, r14
	movq	0(%rcx), %rdx
	xorl	%r14d, %r14d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	adoxq	%rbp, %r14
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r8, %rdx
	xorl	%eax, %eax
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	adoxq	%rbp, %r14
	# row 1: t0..t6 = r9, r10, r11, r12, r13, r14, r8
	movq	8(%rcx), %rdx
	xorl	%r8d, %r8d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	adoxq	%rbp, %r8
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r9, %rdx
	xorl	%eax, %eax
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	adoxq	%rbp, %r8
	# row 2: t0..t6 = r10, r11, r12, r13, r14, r8, r9
	movq	16(%rcx), %rdx
	xorl	%r9d, %r9d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	adoxq	%rbp, %r9
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r10, %rdx
	xorl	%eax, %eax
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	adoxq	%rbp, %r9
	# row 3: t0..t6 = r11, r12, r13, r14, r8, r9, r10
	movq	24(%rcx), %rdx
	xorl	%r10d, %r10d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	adoxq	%rbp, %r10
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r11, %rdx
	xorl	%eax, %eax
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	adoxq	%rbp, %r10
	# row 4: t0..t6 = r12, r13, r14, r8, r9, r10, r11
	movq	32(%rcx), %rdx
	xorl	%r11d, %r11d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	adoxq	%rbp, %r11
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r12, %rdx
	xorl	%eax, %eax
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	adoxq	%rbp, %r11
	# row 5: t0..t6 = r13, r14, r8, r9, r10, r11, r12
	movq	40(%rcx), %rdx
	xorl	%r12d, %r12d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	adoxq	%rbp, %r12
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r13, %rdx
	xorl	%eax, %eax
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	adoxq	%rbp, %r12
	movq	%r14, %rax
	subq	.Lprivfin_fp_p+0(%rip), %rax
	movq	%r8, %rbx
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	movq	%r9, %rcx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	movq	%r10, %rdx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	movq	%r11, %rsi
	sbbq	.Lprivfin_fp_p+32(%rip), %rsi
	movq	%r12, %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %rbp
	cmovcq	%r14, %rax
	cmovcq	%r8, %rbx
	cmovcq	%r9, %rcx
	cmovcq	%r10, %rdx
	cmovcq	%r11, %rsi
	cmovcq	%r12, %rbp
	movq	%rax, 0(%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rcx, 16(%rdi)
	movq	%rdx, 24(%rdi)
	movq	%rsi, 32(%rdi)
	movq	%rbp, 40(%rdi)
	popq	%r14
	.cfi_adjust_cfa_offset -8
	popq	%r13
	.cfi_adjust_cfa_offset -8
	popq	%r12
	.cfi_adjust_cfa_offset -8
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	privfin_bls12_381_fp_mul_adx, .-privfin_bls12_381_fp_mul_adx
)");

// Lazy reduction (used by Fp2 multiplication in fields.hpp): the product and
// the reduction of the CIOS above, apart.

// privfin_bls12_381_fp_mul_wide_adx (declared in fields.hpp): out = a b,
// the full 768-bit product (twelve limbs), no reduction. a and b may be any
// 384-bit values (callers pass sums of two reduced elements, below 2p).
// out must not overlap a or b: limb i of the product is stored after row i.
// Arguments: rdi = out, rsi = a, rdx = b. Registers as above: r8..r14 a
// rotating window t0..t6 of the running sum; each row adds a b[i] and
// stores t0, which no later row changes.
asm(R"(
	.text
	.p2align 5
	.globl	privfin_bls12_381_fp_mul_wide_adx
	.hidden	privfin_bls12_381_fp_mul_wide_adx
	.type	privfin_bls12_381_fp_mul_wide_adx,@function
privfin_bls12_381_fp_mul_wide_adx:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbp, -16
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbx, -24
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r12, -32
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r13, -40
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r14, -48
	movq	%rdx, %rcx
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	# row 0: t0..t6 = r8, r9, r10, r11, r12, r13, r14; t0 is limb 0 of the product
	movq	0(%rcx), %rdx
	xorl	%r14d, %r14d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	adoxq	%rbp, %r14
	movq	%r8, 0(%rdi)
	# row 1: t0..t6 = r9, r10, r11, r12, r13, r14, r8; t0 is limb 1 of the product
	movq	8(%rcx), %rdx
	xorl	%r8d, %r8d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	adoxq	%rbp, %r8
	movq	%r9, 8(%rdi)
	# row 2: t0..t6 = r10, r11, r12, r13, r14, r8, r9; t0 is limb 2 of the product
	movq	16(%rcx), %rdx
	xorl	%r9d, %r9d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	adoxq	%rbp, %r9
	movq	%r10, 16(%rdi)
	# row 3: t0..t6 = r11, r12, r13, r14, r8, r9, r10; t0 is limb 3 of the product
	movq	24(%rcx), %rdx
	xorl	%r10d, %r10d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	adoxq	%rbp, %r10
	movq	%r11, 24(%rdi)
	# row 4: t0..t6 = r12, r13, r14, r8, r9, r10, r11; t0 is limb 4 of the product
	movq	32(%rcx), %rdx
	xorl	%r11d, %r11d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	adoxq	%rbp, %r11
	movq	%r12, 32(%rdi)
	# row 5: t0..t6 = r13, r14, r8, r9, r10, r11, r12; t0 is limb 5 of the product
	movq	40(%rcx), %rdx
	xorl	%r12d, %r12d
	mulxq	0(%rsi), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	8(%rsi), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	16(%rsi), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	24(%rsi), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	32(%rsi), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	40(%rsi), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	adoxq	%rbp, %r12
	movq	%r13, 40(%rdi)
	movq	%r14, 48(%rdi)
	movq	%r8, 56(%rdi)
	movq	%r9, 64(%rdi)
	movq	%r10, 72(%rdi)
	movq	%r11, 80(%rdi)
	movq	%r12, 88(%rdi)
	popq	%r14
	.cfi_adjust_cfa_offset -8
	popq	%r13
	.cfi_adjust_cfa_offset -8
	popq	%r12
	.cfi_adjust_cfa_offset -8
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	privfin_bls12_381_fp_mul_wide_adx, .-privfin_bls12_381_fp_mul_wide_adx
)");

// privfin_bls12_381_fp_redc_adx (declared in fields.hpp): out = t / 2^384
// mod p, fully reduced, for a 768-bit t < p 2^384. Montgomery reduction of
// the low half alone, u = (t_lo + m p) / 2^384 with m < 2^384, gives
// u <= p (the window stays below 2^384, so six limbs and a spare hold it);
// t's high half is below p by the bound on t, so u + t_hi < 2p < 2^384
// and one masked subtraction of p finishes. out may alias t (t is read
// before the final stores). Arguments: rdi = out, rsi = t.
asm(R"(
	.text
	.p2align 5
	.globl	privfin_bls12_381_fp_redc_adx
	.hidden	privfin_bls12_381_fp_redc_adx
	.type	privfin_bls12_381_fp_redc_adx,@function
privfin_bls12_381_fp_redc_adx:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbp, -16
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbx, -24
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r12, -32
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r13, -40
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r14, -48
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	xorl	%ebp, %ebp
	# row 0: t0..t6 = r8, r9, r10, r11, r12, r13, r14
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r8, %rdx
	xorl	%r14d, %r14d
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	adoxq	%rbp, %r14
	# row 1: t0..t6 = r9, r10, r11, r12, r13, r14, r8
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r9, %rdx
	xorl	%r8d, %r8d
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	adoxq	%rbp, %r8
	# row 2: t0..t6 = r10, r11, r12, r13, r14, r8, r9
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r10, %rdx
	xorl	%r9d, %r9d
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	adoxq	%rbp, %r9
	# row 3: t0..t6 = r11, r12, r13, r14, r8, r9, r10
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r11, %rdx
	xorl	%r10d, %r10d
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	adoxq	%rbp, %r10
	# row 4: t0..t6 = r12, r13, r14, r8, r9, r10, r11
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r12, %rdx
	xorl	%r11d, %r11d
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r12
	adcxq	%rbx, %r13
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	adoxq	%rbp, %r11
	# row 5: t0..t6 = r13, r14, r8, r9, r10, r11, r12
	movabsq	$0x89f3fffcfffcfffd, %rdx
	imulq	%r13, %rdx
	xorl	%r12d, %r12d
	mulxq	.Lprivfin_fp_p+0(%rip), %rax, %rbx
	adoxq	%rax, %r13
	adcxq	%rbx, %r14
	mulxq	.Lprivfin_fp_p+8(%rip), %rax, %rbx
	adoxq	%rax, %r14
	adcxq	%rbx, %r8
	mulxq	.Lprivfin_fp_p+16(%rip), %rax, %rbx
	adoxq	%rax, %r8
	adcxq	%rbx, %r9
	mulxq	.Lprivfin_fp_p+24(%rip), %rax, %rbx
	adoxq	%rax, %r9
	adcxq	%rbx, %r10
	mulxq	.Lprivfin_fp_p+32(%rip), %rax, %rbx
	adoxq	%rax, %r10
	adcxq	%rbx, %r11
	mulxq	.Lprivfin_fp_p+40(%rip), %rax, %rbx
	adoxq	%rax, %r11
	adcxq	%rbx, %r12
	adoxq	%rbp, %r12
	# u = r14, r8, r9, r10, r11, r12 (u <= p); add the high half
	addq	48(%rsi), %r14
	adcq	56(%rsi), %r8
	adcq	64(%rsi), %r9
	adcq	72(%rsi), %r10
	adcq	80(%rsi), %r11
	adcq	88(%rsi), %r12
	movq	%r14, %rax
	subq	.Lprivfin_fp_p+0(%rip), %rax
	movq	%r8, %rbx
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	movq	%r9, %rcx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	movq	%r10, %rdx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	movq	%r11, %rsi
	sbbq	.Lprivfin_fp_p+32(%rip), %rsi
	movq	%r12, %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %rbp
	cmovcq	%r14, %rax
	cmovcq	%r8, %rbx
	cmovcq	%r9, %rcx
	cmovcq	%r10, %rdx
	cmovcq	%r11, %rsi
	cmovcq	%r12, %rbp
	movq	%rax, 0(%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rcx, 16(%rdi)
	movq	%rdx, 24(%rdi)
	movq	%rsi, 32(%rdi)
	movq	%rbp, 40(%rdi)
	popq	%r14
	.cfi_adjust_cfa_offset -8
	popq	%r13
	.cfi_adjust_cfa_offset -8
	popq	%r12
	.cfi_adjust_cfa_offset -8
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	privfin_bls12_381_fp_redc_adx, .-privfin_bls12_381_fp_redc_adx
	.section	.rodata
	.p2align 4
.Lprivfin_fp_p:
	.quad	0xb9feffffffffaaab, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624
	.quad	0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a
	.text
)");

namespace privfin::sig::bls12_381::detail {

namespace {
bool detect_mulx_adx() noexcept {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  constexpr unsigned bmi2 = 1U << 8, adx = 1U << 19;
  return (ebx & (bmi2 | adx)) == (bmi2 | adx);
}
}  // namespace

// Zero until this translation unit's dynamic initialisation runs: a
// multiplication made earlier (another unit's static constant) takes the
// portable path, which gives the same result.
const bool fp_mul_adx_available = detect_mulx_adx();

}  // namespace privfin::sig::bls12_381::detail

#else

namespace privfin::sig::bls12_381::detail {
const bool fp_mul_adx_available = false;
}  // namespace privfin::sig::bls12_381::detail

#endif

// The assembly hard-codes p and -p^-1 mod 2^64.
static_assert(privfin::sig::bls12_381::Fp::inv == 0x89f3fffcfffcfffdULL);
static_assert(privfin::sig::bls12_381::Fp::modulus[0] == 0xb9feffffffffaaabULL &&
              privfin::sig::bls12_381::Fp::modulus[5] == 0x1a0111ea397fe69aULL);
