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

// The routines' bodies are assembler macros, each expanded twice: in an
// exported function (callee-saved registers pushed and popped) and in a
// local subroutine that the Fp2 routines below call with their registers
// already saved. Arguments of the bodies: rdi = out, rsi = a (or t),
// rcx = b. They clobber rax, rbx, rcx, rdx, rsi, rbp, r8..r14, xmm0 and
// xmm1, keep rdi, r15 and the stack. With pack = 1 (the Fp2 routines) a
// reduced result is stored as three 16-byte pairs (movq, punpcklqdq: SSE2,
// baseline x86-64): GCC copies field elements with 16-byte loads, which a
// pair of 8-byte stores cannot forward to, and that stall was most of
// Fp2::square's own time. With pack = 0 (the exported Fp routines) it is
// six 8-byte stores: the packing lengthened a chain of dependent Fp
// products (BM_FpMul) by 14%.
//
// privfin_fp_mont_rows: out = a b / 2^384 mod p, the CIOS above. Also
// valid for a, b < 2p (unreduced sums, as the Fp2 squaring passes): the
// running value stays below 2^383, and the result before the final
// subtraction is below a b / 2^384 + p < 4p^2 / 2^384 + p < 2p. out may
// alias a or b (inputs are read before the final stores).
// Registers: r8..r14 hold t0..t6, their roles rotating by one each row
// (fully unrolled, so the shift t >>= 64 costs no moves: the zero limb left
// by the reduction becomes the next row's t6); rbp = 0, rax/rbx = a
// product's low/high half, rdx = the multiplier.
//
// privfin_fp_wide_rows: out = a b, the full 768-bit product (twelve
// limbs), no reduction, for any 384-bit a and b. out must not overlap a or
// b: limb i of the product is stored after row i. Same rotating window;
// each row adds a b[i] and stores t0, which no later row changes.
//
// privfin_fp_redc_rows: out = t / 2^384 mod p, fully reduced, for a
// 768-bit t < p 2^384. Montgomery reduction of the low half alone,
// u = (t_lo + m p) / 2^384 with m < 2^384, gives u <= p (the window stays
// below 2^384, so six limbs and a spare hold it); t's high half is below p
// by the bound on t, so u + t_hi < 2p < 2^384 and one masked subtraction of
// p finishes. out may alias t (t is read before the final stores).
asm(R"(
	.macro	privfin_fp_mont_rows pack
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
	.if \pack
	movq	%rax, %xmm0
	movq	%rbx, %xmm1
	punpcklqdq	%xmm1, %xmm0
	movdqu	%xmm0, 0(%rdi)
	movq	%rcx, %xmm0
	movq	%rdx, %xmm1
	punpcklqdq	%xmm1, %xmm0
	movdqu	%xmm0, 16(%rdi)
	movq	%rsi, %xmm0
	movq	%rbp, %xmm1
	punpcklqdq	%xmm1, %xmm0
	movdqu	%xmm0, 32(%rdi)
	.else
	movq	%rax, 0(%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rcx, 16(%rdi)
	movq	%rdx, 24(%rdi)
	movq	%rsi, 32(%rdi)
	movq	%rbp, 40(%rdi)
	.endif
	.endm
)");
asm(R"(
	.macro	privfin_fp_wide_rows
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
	.endm
)");
asm(R"(
	.macro	privfin_fp_redc_rows pack
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
	# u = r14, r8, r9, r10, r11, r12 (u <= p); add the high half of t
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
	.if \pack
	movq	%rax, %xmm0
	movq	%rbx, %xmm1
	punpcklqdq	%xmm1, %xmm0
	movdqu	%xmm0, 0(%rdi)
	movq	%rcx, %xmm0
	movq	%rdx, %xmm1
	punpcklqdq	%xmm1, %xmm0
	movdqu	%xmm0, 16(%rdi)
	movq	%rsi, %xmm0
	movq	%rbp, %xmm1
	punpcklqdq	%xmm1, %xmm0
	movdqu	%xmm0, 32(%rdi)
	.else
	movq	%rax, 0(%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rcx, 16(%rdi)
	movq	%rdx, 24(%rdi)
	movq	%rsi, 32(%rdi)
	movq	%rbp, 40(%rdi)
	.endif
	.endm
)");

// privfin_bls12_381_fp_mul_adx, _fp_mul_wide_adx, _fp_redc_adx (declared in
// fields.hpp): the bodies above as functions. Arguments: rdi = out,
// rsi = a (or t), rdx = b.
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
	privfin_fp_mont_rows 0
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
	privfin_fp_wide_rows
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
	privfin_fp_redc_rows 0
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
)");

// The same bodies as local subroutines for the Fp2 routines.
asm(R"(
	.text
	.p2align 5
.Lprivfin_fp_mont:
	.cfi_startproc
	privfin_fp_mont_rows 1
	ret
	.cfi_endproc
)");
asm(R"(
	.text
	.p2align 5
.Lprivfin_fp_wide:
	.cfi_startproc
	privfin_fp_wide_rows
	ret
	.cfi_endproc
)");
asm(R"(
	.text
	.p2align 5
.Lprivfin_fp_redc:
	.cfi_startproc
	privfin_fp_redc_rows 1
	ret
	.cfi_endproc
)");

// privfin_bls12_381_fp2_mul_adx (declared in fields.hpp): out = a b in Fp2
// with lazy reduction (Karatsuba; the C++ Fp2::mul_lazy is the same
// computation). Arguments: rdi = out, rsi = a, rdx = b, each two Fp
// elements of six limbs (c0 then c1, reduced). Bounds: T0 = a0 b0 and
// T1 = a1 b1 are below p^2, T2 = (a0 + a1)(b0 + b1) below 4 p^2 with the
// sums not reduced (below 2p < 2^382); c1 = T2 - T0 - T1 = a0 b1 + a1 b0 is
// in [0, 2 p^2) and c0 = T0 + p^2 - T1 in (0, 2 p^2): no borrow, and both
// below p 2^384 as the reduction needs (2p < 2^384). out may alias a or b:
// a and b are read before the first output store. Stack frame: T0, T1, T2
// (96 bytes each), the two sums (48 each), then out, a, b.
asm(R"(
	.text
	.p2align 5
	.globl	privfin_bls12_381_fp2_mul_adx
	.hidden	privfin_bls12_381_fp2_mul_adx
	.type	privfin_bls12_381_fp2_mul_adx,@function
privfin_bls12_381_fp2_mul_adx:
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
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r15, -56
	subq	$408, %rsp
	.cfi_adjust_cfa_offset 408
	movq	%rdi, 384(%rsp)
	movq	%rsi, 392(%rsp)
	movq	%rdx, 400(%rsp)
	# sa = a0 + a1, sb = b0 + b1, not reduced (below 2p)
	movq	0(%rsi), %rax
	addq	48(%rsi), %rax
	movq	%rax, 288(%rsp)
	movq	8(%rsi), %rax
	adcq	56(%rsi), %rax
	movq	%rax, 296(%rsp)
	movq	16(%rsi), %rax
	adcq	64(%rsi), %rax
	movq	%rax, 304(%rsp)
	movq	24(%rsi), %rax
	adcq	72(%rsi), %rax
	movq	%rax, 312(%rsp)
	movq	32(%rsi), %rax
	adcq	80(%rsi), %rax
	movq	%rax, 320(%rsp)
	movq	40(%rsi), %rax
	adcq	88(%rsi), %rax
	movq	%rax, 328(%rsp)
	movq	0(%rdx), %rax
	addq	48(%rdx), %rax
	movq	%rax, 336(%rsp)
	movq	8(%rdx), %rax
	adcq	56(%rdx), %rax
	movq	%rax, 344(%rsp)
	movq	16(%rdx), %rax
	adcq	64(%rdx), %rax
	movq	%rax, 352(%rsp)
	movq	24(%rdx), %rax
	adcq	72(%rdx), %rax
	movq	%rax, 360(%rsp)
	movq	32(%rdx), %rax
	adcq	80(%rdx), %rax
	movq	%rax, 368(%rsp)
	movq	40(%rdx), %rax
	adcq	88(%rdx), %rax
	movq	%rax, 376(%rsp)
	# T0 = a0 b0, T1 = a1 b1, T2 = sa sb
	leaq	0(%rsp), %rdi
	movq	392(%rsp), %rsi
	movq	400(%rsp), %rcx
	call	.Lprivfin_fp_wide
	leaq	96(%rsp), %rdi
	movq	392(%rsp), %rsi
	addq	$48, %rsi
	movq	400(%rsp), %rcx
	addq	$48, %rcx
	call	.Lprivfin_fp_wide
	leaq	192(%rsp), %rdi
	leaq	288(%rsp), %rsi
	leaq	336(%rsp), %rcx
	call	.Lprivfin_fp_wide
	# T2 -= T0 + T1: a0 b1 + a1 b0, no borrow
	movq	192(%rsp), %r8
	movq	200(%rsp), %r9
	movq	208(%rsp), %r10
	movq	216(%rsp), %r11
	movq	224(%rsp), %r12
	movq	232(%rsp), %r13
	movq	240(%rsp), %r14
	movq	248(%rsp), %r15
	movq	256(%rsp), %rax
	movq	264(%rsp), %rbx
	movq	272(%rsp), %rcx
	movq	280(%rsp), %rdx
	subq	0(%rsp), %r8
	sbbq	8(%rsp), %r9
	sbbq	16(%rsp), %r10
	sbbq	24(%rsp), %r11
	sbbq	32(%rsp), %r12
	sbbq	40(%rsp), %r13
	sbbq	48(%rsp), %r14
	sbbq	56(%rsp), %r15
	sbbq	64(%rsp), %rax
	sbbq	72(%rsp), %rbx
	sbbq	80(%rsp), %rcx
	sbbq	88(%rsp), %rdx
	subq	96(%rsp), %r8
	sbbq	104(%rsp), %r9
	sbbq	112(%rsp), %r10
	sbbq	120(%rsp), %r11
	sbbq	128(%rsp), %r12
	sbbq	136(%rsp), %r13
	sbbq	144(%rsp), %r14
	sbbq	152(%rsp), %r15
	sbbq	160(%rsp), %rax
	sbbq	168(%rsp), %rbx
	sbbq	176(%rsp), %rcx
	sbbq	184(%rsp), %rdx
	movq	%r8, 192(%rsp)
	movq	%r9, 200(%rsp)
	movq	%r10, 208(%rsp)
	movq	%r11, 216(%rsp)
	movq	%r12, 224(%rsp)
	movq	%r13, 232(%rsp)
	movq	%r14, 240(%rsp)
	movq	%r15, 248(%rsp)
	movq	%rax, 256(%rsp)
	movq	%rbx, 264(%rsp)
	movq	%rcx, 272(%rsp)
	movq	%rdx, 280(%rsp)
	# T0 += p^2 - T1: a0 b0 - a1 b1 + p^2, in (0, 2p^2), no carry or borrow
	movq	0(%rsp), %r8
	movq	8(%rsp), %r9
	movq	16(%rsp), %r10
	movq	24(%rsp), %r11
	movq	32(%rsp), %r12
	movq	40(%rsp), %r13
	movq	48(%rsp), %r14
	movq	56(%rsp), %r15
	movq	64(%rsp), %rax
	movq	72(%rsp), %rbx
	movq	80(%rsp), %rcx
	movq	88(%rsp), %rdx
	addq	.Lprivfin_fp_p2+0(%rip), %r8
	adcq	.Lprivfin_fp_p2+8(%rip), %r9
	adcq	.Lprivfin_fp_p2+16(%rip), %r10
	adcq	.Lprivfin_fp_p2+24(%rip), %r11
	adcq	.Lprivfin_fp_p2+32(%rip), %r12
	adcq	.Lprivfin_fp_p2+40(%rip), %r13
	adcq	.Lprivfin_fp_p2+48(%rip), %r14
	adcq	.Lprivfin_fp_p2+56(%rip), %r15
	adcq	.Lprivfin_fp_p2+64(%rip), %rax
	adcq	.Lprivfin_fp_p2+72(%rip), %rbx
	adcq	.Lprivfin_fp_p2+80(%rip), %rcx
	adcq	.Lprivfin_fp_p2+88(%rip), %rdx
	subq	96(%rsp), %r8
	sbbq	104(%rsp), %r9
	sbbq	112(%rsp), %r10
	sbbq	120(%rsp), %r11
	sbbq	128(%rsp), %r12
	sbbq	136(%rsp), %r13
	sbbq	144(%rsp), %r14
	sbbq	152(%rsp), %r15
	sbbq	160(%rsp), %rax
	sbbq	168(%rsp), %rbx
	sbbq	176(%rsp), %rcx
	sbbq	184(%rsp), %rdx
	movq	%r8, 0(%rsp)
	movq	%r9, 8(%rsp)
	movq	%r10, 16(%rsp)
	movq	%r11, 24(%rsp)
	movq	%r12, 32(%rsp)
	movq	%r13, 40(%rsp)
	movq	%r14, 48(%rsp)
	movq	%r15, 56(%rsp)
	movq	%rax, 64(%rsp)
	movq	%rbx, 72(%rsp)
	movq	%rcx, 80(%rsp)
	movq	%rdx, 88(%rsp)
	# out.c0 = T0 / 2^384, out.c1 = T2 / 2^384 (mod p)
	movq	384(%rsp), %rdi
	leaq	0(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	384(%rsp), %rdi
	addq	$48, %rdi
	leaq	192(%rsp), %rsi
	call	.Lprivfin_fp_redc
	addq	$408, %rsp
	.cfi_adjust_cfa_offset -408
	popq	%r15
	.cfi_adjust_cfa_offset -8
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
	.size	privfin_bls12_381_fp2_mul_adx, .-privfin_bls12_381_fp2_mul_adx
)");

// privfin_bls12_381_fp2_sqr_adx (declared in fields.hpp): out = a^2 in Fp2
// by the complex method, c0 = (a0 + a1)(a0 - a1), c1 = 2 a0 a1, each one
// Montgomery multiplication whose operands are left unreduced (below 2p:
// a0 + a1, a0 + p - a1, a0 + a0), valid as the mont body says.
// Arguments: rdi = out, rsi = a. Stack frame: the three operands, out, a.
asm(R"(
	.text
	.p2align 5
	.globl	privfin_bls12_381_fp2_sqr_adx
	.hidden	privfin_bls12_381_fp2_sqr_adx
	.type	privfin_bls12_381_fp2_sqr_adx,@function
privfin_bls12_381_fp2_sqr_adx:
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
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r15, -56
	subq	$168, %rsp
	.cfi_adjust_cfa_offset 168
	movq	%rdi, 144(%rsp)
	movq	%rsi, 152(%rsp)
	# s = a0 + a1 (below 2p)
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	48(%rsi), %r8
	adcq	56(%rsi), %r9
	adcq	64(%rsi), %r10
	adcq	72(%rsi), %r11
	adcq	80(%rsi), %r12
	adcq	88(%rsi), %r13
	movq	%r8, 0(%rsp)
	movq	%r9, 8(%rsp)
	movq	%r10, 16(%rsp)
	movq	%r11, 24(%rsp)
	movq	%r12, 32(%rsp)
	movq	%r13, 40(%rsp)
	# d = a0 + p - a1 (in (0, 2p))
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	subq	48(%rsi), %r8
	sbbq	56(%rsi), %r9
	sbbq	64(%rsi), %r10
	sbbq	72(%rsi), %r11
	sbbq	80(%rsi), %r12
	sbbq	88(%rsi), %r13
	movq	%r8, 48(%rsp)
	movq	%r9, 56(%rsp)
	movq	%r10, 64(%rsp)
	movq	%r11, 72(%rsp)
	movq	%r12, 80(%rsp)
	movq	%r13, 88(%rsp)
	# t = a0 + a0 (below 2p)
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	%r8, %r8
	adcq	%r9, %r9
	adcq	%r10, %r10
	adcq	%r11, %r11
	adcq	%r12, %r12
	adcq	%r13, %r13
	movq	%r8, 96(%rsp)
	movq	%r9, 104(%rsp)
	movq	%r10, 112(%rsp)
	movq	%r11, 120(%rsp)
	movq	%r12, 128(%rsp)
	movq	%r13, 136(%rsp)
	# out.c0 = s d / 2^384, then out.c1 = t a1 / 2^384 (a1 is read after c0 is stored: out may alias a)
	movq	144(%rsp), %rdi
	leaq	0(%rsp), %rsi
	leaq	48(%rsp), %rcx
	call	.Lprivfin_fp_mont
	movq	144(%rsp), %rdi
	addq	$48, %rdi
	leaq	96(%rsp), %rsi
	movq	152(%rsp), %rcx
	addq	$48, %rcx
	call	.Lprivfin_fp_mont
	addq	$168, %rsp
	.cfi_adjust_cfa_offset -168
	popq	%r15
	.cfi_adjust_cfa_offset -8
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
	.size	privfin_bls12_381_fp2_sqr_adx, .-privfin_bls12_381_fp2_sqr_adx
)");

// Lazy reduction one level up, in Fp6 = Fp2[v] / (v^3 - xi): the six Fp2
// products of Karatsuba's formula are kept wide and combined, and each of
// the six Fp coefficients of the result is reduced once (12 reductions
// become 6). Wide values are 768-bit integers in [0, M), M = p 2^384,
// added and subtracted modulo M: M has a zero low half, so the correction
// (masked by CMOV) touches only the high half, by p. Each stays below M,
// as the reduction needs, and is congruent modulo p to the exact value.
//
// .Lprivfin_fp2_mulw: out (24 limbs) = a b in Fp2, unreduced, for reduced
// a and b: out.c0 = a0 b0 + p^2 - a1 b1 in (0, 2p^2), out.c1 =
// (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0 in [0, 2p^2), both
// below M (2p < 2^384). rdi = out, rsi = a, rcx = b; out must not overlap
// a or b. Clobbers as the bodies, and r15. Frame: a0 b0, a1 b1, the two
// sums, out, a, b.
asm(R"(
	.text
	.p2align 5
.Lprivfin_fp2_mulw:
	.cfi_startproc
	subq	$312, %rsp
	.cfi_adjust_cfa_offset 312
	movq	%rdi, 288(%rsp)
	movq	%rsi, 296(%rsp)
	movq	%rcx, 304(%rsp)
	movq	0(%rsi), %rax
	addq	48(%rsi), %rax
	movq	%rax, 192(%rsp)
	movq	8(%rsi), %rax
	adcq	56(%rsi), %rax
	movq	%rax, 200(%rsp)
	movq	16(%rsi), %rax
	adcq	64(%rsi), %rax
	movq	%rax, 208(%rsp)
	movq	24(%rsi), %rax
	adcq	72(%rsi), %rax
	movq	%rax, 216(%rsp)
	movq	32(%rsi), %rax
	adcq	80(%rsi), %rax
	movq	%rax, 224(%rsp)
	movq	40(%rsi), %rax
	adcq	88(%rsi), %rax
	movq	%rax, 232(%rsp)
	movq	0(%rcx), %rax
	addq	48(%rcx), %rax
	movq	%rax, 240(%rsp)
	movq	8(%rcx), %rax
	adcq	56(%rcx), %rax
	movq	%rax, 248(%rsp)
	movq	16(%rcx), %rax
	adcq	64(%rcx), %rax
	movq	%rax, 256(%rsp)
	movq	24(%rcx), %rax
	adcq	72(%rcx), %rax
	movq	%rax, 264(%rsp)
	movq	32(%rcx), %rax
	adcq	80(%rcx), %rax
	movq	%rax, 272(%rsp)
	movq	40(%rcx), %rax
	adcq	88(%rcx), %rax
	movq	%rax, 280(%rsp)
	leaq	0(%rsp), %rdi
	call	.Lprivfin_fp_wide
	leaq	96(%rsp), %rdi
	movq	296(%rsp), %rsi
	addq	$48, %rsi
	movq	304(%rsp), %rcx
	addq	$48, %rcx
	call	.Lprivfin_fp_wide
	movq	288(%rsp), %rdi
	addq	$96, %rdi
	leaq	192(%rsp), %rsi
	leaq	240(%rsp), %rcx
	call	.Lprivfin_fp_wide
	movq	288(%rsp), %rdi
	# out.c1 -= T0 + T1; out.c0 = T0 + p^2 - T1
	movq	96(%rdi), %r8
	movq	104(%rdi), %r9
	movq	112(%rdi), %r10
	movq	120(%rdi), %r11
	movq	128(%rdi), %r12
	movq	136(%rdi), %r13
	movq	144(%rdi), %r14
	movq	152(%rdi), %r15
	movq	160(%rdi), %rax
	movq	168(%rdi), %rbx
	movq	176(%rdi), %rcx
	movq	184(%rdi), %rdx
	subq	0(%rsp), %r8
	sbbq	8(%rsp), %r9
	sbbq	16(%rsp), %r10
	sbbq	24(%rsp), %r11
	sbbq	32(%rsp), %r12
	sbbq	40(%rsp), %r13
	sbbq	48(%rsp), %r14
	sbbq	56(%rsp), %r15
	sbbq	64(%rsp), %rax
	sbbq	72(%rsp), %rbx
	sbbq	80(%rsp), %rcx
	sbbq	88(%rsp), %rdx
	subq	96(%rsp), %r8
	sbbq	104(%rsp), %r9
	sbbq	112(%rsp), %r10
	sbbq	120(%rsp), %r11
	sbbq	128(%rsp), %r12
	sbbq	136(%rsp), %r13
	sbbq	144(%rsp), %r14
	sbbq	152(%rsp), %r15
	sbbq	160(%rsp), %rax
	sbbq	168(%rsp), %rbx
	sbbq	176(%rsp), %rcx
	sbbq	184(%rsp), %rdx
	movq	%r8, 96(%rdi)
	movq	%r9, 104(%rdi)
	movq	%r10, 112(%rdi)
	movq	%r11, 120(%rdi)
	movq	%r12, 128(%rdi)
	movq	%r13, 136(%rdi)
	movq	%r14, 144(%rdi)
	movq	%r15, 152(%rdi)
	movq	%rax, 160(%rdi)
	movq	%rbx, 168(%rdi)
	movq	%rcx, 176(%rdi)
	movq	%rdx, 184(%rdi)
	movq	0(%rsp), %r8
	movq	8(%rsp), %r9
	movq	16(%rsp), %r10
	movq	24(%rsp), %r11
	movq	32(%rsp), %r12
	movq	40(%rsp), %r13
	movq	48(%rsp), %r14
	movq	56(%rsp), %r15
	movq	64(%rsp), %rax
	movq	72(%rsp), %rbx
	movq	80(%rsp), %rcx
	movq	88(%rsp), %rdx
	addq	.Lprivfin_fp_p2+0(%rip), %r8
	adcq	.Lprivfin_fp_p2+8(%rip), %r9
	adcq	.Lprivfin_fp_p2+16(%rip), %r10
	adcq	.Lprivfin_fp_p2+24(%rip), %r11
	adcq	.Lprivfin_fp_p2+32(%rip), %r12
	adcq	.Lprivfin_fp_p2+40(%rip), %r13
	adcq	.Lprivfin_fp_p2+48(%rip), %r14
	adcq	.Lprivfin_fp_p2+56(%rip), %r15
	adcq	.Lprivfin_fp_p2+64(%rip), %rax
	adcq	.Lprivfin_fp_p2+72(%rip), %rbx
	adcq	.Lprivfin_fp_p2+80(%rip), %rcx
	adcq	.Lprivfin_fp_p2+88(%rip), %rdx
	subq	96(%rsp), %r8
	sbbq	104(%rsp), %r9
	sbbq	112(%rsp), %r10
	sbbq	120(%rsp), %r11
	sbbq	128(%rsp), %r12
	sbbq	136(%rsp), %r13
	sbbq	144(%rsp), %r14
	sbbq	152(%rsp), %r15
	sbbq	160(%rsp), %rax
	sbbq	168(%rsp), %rbx
	sbbq	176(%rsp), %rcx
	sbbq	184(%rsp), %rdx
	movq	%r8, 0(%rdi)
	movq	%r9, 8(%rdi)
	movq	%r10, 16(%rdi)
	movq	%r11, 24(%rdi)
	movq	%r12, 32(%rdi)
	movq	%r13, 40(%rdi)
	movq	%r14, 48(%rdi)
	movq	%r15, 56(%rdi)
	movq	%rax, 64(%rdi)
	movq	%rbx, 72(%rdi)
	movq	%rcx, 80(%rdi)
	movq	%rdx, 88(%rdi)
	addq	$312, %rsp
	.cfi_adjust_cfa_offset -312
	ret
	.cfi_endproc
)");

// privfin_bls12_381_fp6_mul_adx (declared in fields.hpp): out = a b in Fp6,
// each of a, b, out 36 limbs (c0, c1, c2; each Fp2 c0 then c1). With
// t_i = a_i b_i and the sums reduced:
//   c0 = t0 + xi ((a1 + a2)(b1 + b2) - t1 - t2),
//   c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2,
//   c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1,
// xi (x0 + x1 u) = (x0 - x1) + (x0 + x1) u, all on wide values modulo M.
// out may alias a or b: they are read before the first output store.
// Frame: out, a, b, the six sums, the six wide products, a wide scratch.
asm(R"(
	.text
	.p2align 5
	.globl	privfin_bls12_381_fp6_mul_adx
	.hidden	privfin_bls12_381_fp6_mul_adx
	.type	privfin_bls12_381_fp6_mul_adx,@function
privfin_bls12_381_fp6_mul_adx:
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
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r15, -56
	subq	$1960, %rsp
	.cfi_adjust_cfa_offset 1960
	movq	%rdi, 0(%rsp)
	movq	%rsi, 8(%rsp)
	movq	%rdx, 16(%rsp)
	movq	%rdx, %rdi
	# sums of coefficients, reduced: a1 + a2, b1 + b2, a0 + a1, b0 + b1, a0 + a2, b0 + b2
	movq	96(%rsi), %r8
	movq	104(%rsi), %r9
	movq	112(%rsi), %r10
	movq	120(%rsi), %r11
	movq	128(%rsi), %r12
	movq	136(%rsi), %r13
	addq	192(%rsi), %r8
	adcq	200(%rsi), %r9
	adcq	208(%rsi), %r10
	adcq	216(%rsi), %r11
	adcq	224(%rsi), %r12
	adcq	232(%rsi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 32(%rsp)
	movq	%rbx, 40(%rsp)
	movq	%rcx, 48(%rsp)
	movq	%rdx, 56(%rsp)
	movq	%rbp, 64(%rsp)
	movq	%r15, 72(%rsp)
	movq	144(%rsi), %r8
	movq	152(%rsi), %r9
	movq	160(%rsi), %r10
	movq	168(%rsi), %r11
	movq	176(%rsi), %r12
	movq	184(%rsi), %r13
	addq	240(%rsi), %r8
	adcq	248(%rsi), %r9
	adcq	256(%rsi), %r10
	adcq	264(%rsi), %r11
	adcq	272(%rsi), %r12
	adcq	280(%rsi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 80(%rsp)
	movq	%rbx, 88(%rsp)
	movq	%rcx, 96(%rsp)
	movq	%rdx, 104(%rsp)
	movq	%rbp, 112(%rsp)
	movq	%r15, 120(%rsp)
	movq	96(%rdi), %r8
	movq	104(%rdi), %r9
	movq	112(%rdi), %r10
	movq	120(%rdi), %r11
	movq	128(%rdi), %r12
	movq	136(%rdi), %r13
	addq	192(%rdi), %r8
	adcq	200(%rdi), %r9
	adcq	208(%rdi), %r10
	adcq	216(%rdi), %r11
	adcq	224(%rdi), %r12
	adcq	232(%rdi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 128(%rsp)
	movq	%rbx, 136(%rsp)
	movq	%rcx, 144(%rsp)
	movq	%rdx, 152(%rsp)
	movq	%rbp, 160(%rsp)
	movq	%r15, 168(%rsp)
	movq	144(%rdi), %r8
	movq	152(%rdi), %r9
	movq	160(%rdi), %r10
	movq	168(%rdi), %r11
	movq	176(%rdi), %r12
	movq	184(%rdi), %r13
	addq	240(%rdi), %r8
	adcq	248(%rdi), %r9
	adcq	256(%rdi), %r10
	adcq	264(%rdi), %r11
	adcq	272(%rdi), %r12
	adcq	280(%rdi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 176(%rsp)
	movq	%rbx, 184(%rsp)
	movq	%rcx, 192(%rsp)
	movq	%rdx, 200(%rsp)
	movq	%rbp, 208(%rsp)
	movq	%r15, 216(%rsp)
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	96(%rsi), %r8
	adcq	104(%rsi), %r9
	adcq	112(%rsi), %r10
	adcq	120(%rsi), %r11
	adcq	128(%rsi), %r12
	adcq	136(%rsi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 224(%rsp)
	movq	%rbx, 232(%rsp)
	movq	%rcx, 240(%rsp)
	movq	%rdx, 248(%rsp)
	movq	%rbp, 256(%rsp)
	movq	%r15, 264(%rsp)
	movq	48(%rsi), %r8
	movq	56(%rsi), %r9
	movq	64(%rsi), %r10
	movq	72(%rsi), %r11
	movq	80(%rsi), %r12
	movq	88(%rsi), %r13
	addq	144(%rsi), %r8
	adcq	152(%rsi), %r9
	adcq	160(%rsi), %r10
	adcq	168(%rsi), %r11
	adcq	176(%rsi), %r12
	adcq	184(%rsi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 272(%rsp)
	movq	%rbx, 280(%rsp)
	movq	%rcx, 288(%rsp)
	movq	%rdx, 296(%rsp)
	movq	%rbp, 304(%rsp)
	movq	%r15, 312(%rsp)
	movq	0(%rdi), %r8
	movq	8(%rdi), %r9
	movq	16(%rdi), %r10
	movq	24(%rdi), %r11
	movq	32(%rdi), %r12
	movq	40(%rdi), %r13
	addq	96(%rdi), %r8
	adcq	104(%rdi), %r9
	adcq	112(%rdi), %r10
	adcq	120(%rdi), %r11
	adcq	128(%rdi), %r12
	adcq	136(%rdi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 320(%rsp)
	movq	%rbx, 328(%rsp)
	movq	%rcx, 336(%rsp)
	movq	%rdx, 344(%rsp)
	movq	%rbp, 352(%rsp)
	movq	%r15, 360(%rsp)
	movq	48(%rdi), %r8
	movq	56(%rdi), %r9
	movq	64(%rdi), %r10
	movq	72(%rdi), %r11
	movq	80(%rdi), %r12
	movq	88(%rdi), %r13
	addq	144(%rdi), %r8
	adcq	152(%rdi), %r9
	adcq	160(%rdi), %r10
	adcq	168(%rdi), %r11
	adcq	176(%rdi), %r12
	adcq	184(%rdi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 368(%rsp)
	movq	%rbx, 376(%rsp)
	movq	%rcx, 384(%rsp)
	movq	%rdx, 392(%rsp)
	movq	%rbp, 400(%rsp)
	movq	%r15, 408(%rsp)
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	192(%rsi), %r8
	adcq	200(%rsi), %r9
	adcq	208(%rsi), %r10
	adcq	216(%rsi), %r11
	adcq	224(%rsi), %r12
	adcq	232(%rsi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 416(%rsp)
	movq	%rbx, 424(%rsp)
	movq	%rcx, 432(%rsp)
	movq	%rdx, 440(%rsp)
	movq	%rbp, 448(%rsp)
	movq	%r15, 456(%rsp)
	movq	48(%rsi), %r8
	movq	56(%rsi), %r9
	movq	64(%rsi), %r10
	movq	72(%rsi), %r11
	movq	80(%rsi), %r12
	movq	88(%rsi), %r13
	addq	240(%rsi), %r8
	adcq	248(%rsi), %r9
	adcq	256(%rsi), %r10
	adcq	264(%rsi), %r11
	adcq	272(%rsi), %r12
	adcq	280(%rsi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 464(%rsp)
	movq	%rbx, 472(%rsp)
	movq	%rcx, 480(%rsp)
	movq	%rdx, 488(%rsp)
	movq	%rbp, 496(%rsp)
	movq	%r15, 504(%rsp)
	movq	0(%rdi), %r8
	movq	8(%rdi), %r9
	movq	16(%rdi), %r10
	movq	24(%rdi), %r11
	movq	32(%rdi), %r12
	movq	40(%rdi), %r13
	addq	192(%rdi), %r8
	adcq	200(%rdi), %r9
	adcq	208(%rdi), %r10
	adcq	216(%rdi), %r11
	adcq	224(%rdi), %r12
	adcq	232(%rdi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 512(%rsp)
	movq	%rbx, 520(%rsp)
	movq	%rcx, 528(%rsp)
	movq	%rdx, 536(%rsp)
	movq	%rbp, 544(%rsp)
	movq	%r15, 552(%rsp)
	movq	48(%rdi), %r8
	movq	56(%rdi), %r9
	movq	64(%rdi), %r10
	movq	72(%rdi), %r11
	movq	80(%rdi), %r12
	movq	88(%rdi), %r13
	addq	240(%rdi), %r8
	adcq	248(%rdi), %r9
	adcq	256(%rdi), %r10
	adcq	264(%rdi), %r11
	adcq	272(%rdi), %r12
	adcq	280(%rdi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 560(%rsp)
	movq	%rbx, 568(%rsp)
	movq	%rcx, 576(%rsp)
	movq	%rdx, 584(%rsp)
	movq	%rbp, 592(%rsp)
	movq	%r15, 600(%rsp)
	# wide products: t_i = a_i b_i, m12, m01, m02 of the sums
	leaq	608(%rsp), %rdi
	movq	8(%rsp), %rsi
	movq	16(%rsp), %rcx
	call	.Lprivfin_fp2_mulw
	leaq	800(%rsp), %rdi
	movq	8(%rsp), %rsi
	addq	$96, %rsi
	movq	16(%rsp), %rcx
	addq	$96, %rcx
	call	.Lprivfin_fp2_mulw
	leaq	992(%rsp), %rdi
	movq	8(%rsp), %rsi
	addq	$192, %rsi
	movq	16(%rsp), %rcx
	addq	$192, %rcx
	call	.Lprivfin_fp2_mulw
	leaq	1184(%rsp), %rdi
	leaq	32(%rsp), %rsi
	leaq	128(%rsp), %rcx
	call	.Lprivfin_fp2_mulw
	leaq	1376(%rsp), %rdi
	leaq	224(%rsp), %rsi
	leaq	320(%rsp), %rcx
	call	.Lprivfin_fp2_mulw
	leaq	1568(%rsp), %rdi
	leaq	416(%rsp), %rsi
	leaq	512(%rsp), %rcx
	call	.Lprivfin_fp2_mulw
	# c0 = t0 + xi (m12 - t1 - t2), in M12
	# wide sub: [1184] = [1184] - [800] mod p 2^384
	movq	1184(%rsp), %r8
	movq	1192(%rsp), %r9
	movq	1200(%rsp), %r10
	movq	1208(%rsp), %r11
	movq	1216(%rsp), %r12
	movq	1224(%rsp), %r13
	subq	800(%rsp), %r8
	sbbq	808(%rsp), %r9
	sbbq	816(%rsp), %r10
	sbbq	824(%rsp), %r11
	sbbq	832(%rsp), %r12
	sbbq	840(%rsp), %r13
	movq	%r8, 1184(%rsp)
	movq	%r9, 1192(%rsp)
	movq	%r10, 1200(%rsp)
	movq	%r11, 1208(%rsp)
	movq	%r12, 1216(%rsp)
	movq	%r13, 1224(%rsp)
	movq	1232(%rsp), %rax
	movq	1240(%rsp), %rbx
	movq	1248(%rsp), %rcx
	movq	1256(%rsp), %rdx
	movq	1264(%rsp), %rsi
	movq	1272(%rsp), %rdi
	sbbq	848(%rsp), %rax
	sbbq	856(%rsp), %rbx
	sbbq	864(%rsp), %rcx
	sbbq	872(%rsp), %rdx
	sbbq	880(%rsp), %rsi
	sbbq	888(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1232(%rsp)
	movq	%r9, 1240(%rsp)
	movq	%r10, 1248(%rsp)
	movq	%r11, 1256(%rsp)
	movq	%r12, 1264(%rsp)
	movq	%r13, 1272(%rsp)
	# wide sub: [1280] = [1280] - [896] mod p 2^384
	movq	1280(%rsp), %r8
	movq	1288(%rsp), %r9
	movq	1296(%rsp), %r10
	movq	1304(%rsp), %r11
	movq	1312(%rsp), %r12
	movq	1320(%rsp), %r13
	subq	896(%rsp), %r8
	sbbq	904(%rsp), %r9
	sbbq	912(%rsp), %r10
	sbbq	920(%rsp), %r11
	sbbq	928(%rsp), %r12
	sbbq	936(%rsp), %r13
	movq	%r8, 1280(%rsp)
	movq	%r9, 1288(%rsp)
	movq	%r10, 1296(%rsp)
	movq	%r11, 1304(%rsp)
	movq	%r12, 1312(%rsp)
	movq	%r13, 1320(%rsp)
	movq	1328(%rsp), %rax
	movq	1336(%rsp), %rbx
	movq	1344(%rsp), %rcx
	movq	1352(%rsp), %rdx
	movq	1360(%rsp), %rsi
	movq	1368(%rsp), %rdi
	sbbq	944(%rsp), %rax
	sbbq	952(%rsp), %rbx
	sbbq	960(%rsp), %rcx
	sbbq	968(%rsp), %rdx
	sbbq	976(%rsp), %rsi
	sbbq	984(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1328(%rsp)
	movq	%r9, 1336(%rsp)
	movq	%r10, 1344(%rsp)
	movq	%r11, 1352(%rsp)
	movq	%r12, 1360(%rsp)
	movq	%r13, 1368(%rsp)
	# wide sub: [1184] = [1184] - [992] mod p 2^384
	movq	1184(%rsp), %r8
	movq	1192(%rsp), %r9
	movq	1200(%rsp), %r10
	movq	1208(%rsp), %r11
	movq	1216(%rsp), %r12
	movq	1224(%rsp), %r13
	subq	992(%rsp), %r8
	sbbq	1000(%rsp), %r9
	sbbq	1008(%rsp), %r10
	sbbq	1016(%rsp), %r11
	sbbq	1024(%rsp), %r12
	sbbq	1032(%rsp), %r13
	movq	%r8, 1184(%rsp)
	movq	%r9, 1192(%rsp)
	movq	%r10, 1200(%rsp)
	movq	%r11, 1208(%rsp)
	movq	%r12, 1216(%rsp)
	movq	%r13, 1224(%rsp)
	movq	1232(%rsp), %rax
	movq	1240(%rsp), %rbx
	movq	1248(%rsp), %rcx
	movq	1256(%rsp), %rdx
	movq	1264(%rsp), %rsi
	movq	1272(%rsp), %rdi
	sbbq	1040(%rsp), %rax
	sbbq	1048(%rsp), %rbx
	sbbq	1056(%rsp), %rcx
	sbbq	1064(%rsp), %rdx
	sbbq	1072(%rsp), %rsi
	sbbq	1080(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1232(%rsp)
	movq	%r9, 1240(%rsp)
	movq	%r10, 1248(%rsp)
	movq	%r11, 1256(%rsp)
	movq	%r12, 1264(%rsp)
	movq	%r13, 1272(%rsp)
	# wide sub: [1280] = [1280] - [1088] mod p 2^384
	movq	1280(%rsp), %r8
	movq	1288(%rsp), %r9
	movq	1296(%rsp), %r10
	movq	1304(%rsp), %r11
	movq	1312(%rsp), %r12
	movq	1320(%rsp), %r13
	subq	1088(%rsp), %r8
	sbbq	1096(%rsp), %r9
	sbbq	1104(%rsp), %r10
	sbbq	1112(%rsp), %r11
	sbbq	1120(%rsp), %r12
	sbbq	1128(%rsp), %r13
	movq	%r8, 1280(%rsp)
	movq	%r9, 1288(%rsp)
	movq	%r10, 1296(%rsp)
	movq	%r11, 1304(%rsp)
	movq	%r12, 1312(%rsp)
	movq	%r13, 1320(%rsp)
	movq	1328(%rsp), %rax
	movq	1336(%rsp), %rbx
	movq	1344(%rsp), %rcx
	movq	1352(%rsp), %rdx
	movq	1360(%rsp), %rsi
	movq	1368(%rsp), %rdi
	sbbq	1136(%rsp), %rax
	sbbq	1144(%rsp), %rbx
	sbbq	1152(%rsp), %rcx
	sbbq	1160(%rsp), %rdx
	sbbq	1168(%rsp), %rsi
	sbbq	1176(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1328(%rsp)
	movq	%r9, 1336(%rsp)
	movq	%r10, 1344(%rsp)
	movq	%r11, 1352(%rsp)
	movq	%r12, 1360(%rsp)
	movq	%r13, 1368(%rsp)
	# wide sub: [1760] = [1184] - [1280] mod p 2^384
	movq	1184(%rsp), %r8
	movq	1192(%rsp), %r9
	movq	1200(%rsp), %r10
	movq	1208(%rsp), %r11
	movq	1216(%rsp), %r12
	movq	1224(%rsp), %r13
	subq	1280(%rsp), %r8
	sbbq	1288(%rsp), %r9
	sbbq	1296(%rsp), %r10
	sbbq	1304(%rsp), %r11
	sbbq	1312(%rsp), %r12
	sbbq	1320(%rsp), %r13
	movq	%r8, 1760(%rsp)
	movq	%r9, 1768(%rsp)
	movq	%r10, 1776(%rsp)
	movq	%r11, 1784(%rsp)
	movq	%r12, 1792(%rsp)
	movq	%r13, 1800(%rsp)
	movq	1232(%rsp), %rax
	movq	1240(%rsp), %rbx
	movq	1248(%rsp), %rcx
	movq	1256(%rsp), %rdx
	movq	1264(%rsp), %rsi
	movq	1272(%rsp), %rdi
	sbbq	1328(%rsp), %rax
	sbbq	1336(%rsp), %rbx
	sbbq	1344(%rsp), %rcx
	sbbq	1352(%rsp), %rdx
	sbbq	1360(%rsp), %rsi
	sbbq	1368(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1808(%rsp)
	movq	%r9, 1816(%rsp)
	movq	%r10, 1824(%rsp)
	movq	%r11, 1832(%rsp)
	movq	%r12, 1840(%rsp)
	movq	%r13, 1848(%rsp)
	# wide add: [1856] = [1184] + [1280] mod p 2^384
	movq	1184(%rsp), %r8
	movq	1192(%rsp), %r9
	movq	1200(%rsp), %r10
	movq	1208(%rsp), %r11
	movq	1216(%rsp), %r12
	movq	1224(%rsp), %r13
	addq	1280(%rsp), %r8
	adcq	1288(%rsp), %r9
	adcq	1296(%rsp), %r10
	adcq	1304(%rsp), %r11
	adcq	1312(%rsp), %r12
	adcq	1320(%rsp), %r13
	movq	%r8, 1856(%rsp)
	movq	%r9, 1864(%rsp)
	movq	%r10, 1872(%rsp)
	movq	%r11, 1880(%rsp)
	movq	%r12, 1888(%rsp)
	movq	%r13, 1896(%rsp)
	movq	1232(%rsp), %rax
	movq	1240(%rsp), %rbx
	movq	1248(%rsp), %rcx
	movq	1256(%rsp), %rdx
	movq	1264(%rsp), %rsi
	movq	1272(%rsp), %rdi
	adcq	1328(%rsp), %rax
	adcq	1336(%rsp), %rbx
	adcq	1344(%rsp), %rcx
	adcq	1352(%rsp), %rdx
	adcq	1360(%rsp), %rsi
	adcq	1368(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 1904(%rsp)
	movq	%r9, 1912(%rsp)
	movq	%r10, 1920(%rsp)
	movq	%r11, 1928(%rsp)
	movq	%r12, 1936(%rsp)
	movq	%r13, 1944(%rsp)
	# wide add: [1184] = [1760] + [608] mod p 2^384
	movq	1760(%rsp), %r8
	movq	1768(%rsp), %r9
	movq	1776(%rsp), %r10
	movq	1784(%rsp), %r11
	movq	1792(%rsp), %r12
	movq	1800(%rsp), %r13
	addq	608(%rsp), %r8
	adcq	616(%rsp), %r9
	adcq	624(%rsp), %r10
	adcq	632(%rsp), %r11
	adcq	640(%rsp), %r12
	adcq	648(%rsp), %r13
	movq	%r8, 1184(%rsp)
	movq	%r9, 1192(%rsp)
	movq	%r10, 1200(%rsp)
	movq	%r11, 1208(%rsp)
	movq	%r12, 1216(%rsp)
	movq	%r13, 1224(%rsp)
	movq	1808(%rsp), %rax
	movq	1816(%rsp), %rbx
	movq	1824(%rsp), %rcx
	movq	1832(%rsp), %rdx
	movq	1840(%rsp), %rsi
	movq	1848(%rsp), %rdi
	adcq	656(%rsp), %rax
	adcq	664(%rsp), %rbx
	adcq	672(%rsp), %rcx
	adcq	680(%rsp), %rdx
	adcq	688(%rsp), %rsi
	adcq	696(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 1232(%rsp)
	movq	%r9, 1240(%rsp)
	movq	%r10, 1248(%rsp)
	movq	%r11, 1256(%rsp)
	movq	%r12, 1264(%rsp)
	movq	%r13, 1272(%rsp)
	# wide add: [1280] = [1856] + [704] mod p 2^384
	movq	1856(%rsp), %r8
	movq	1864(%rsp), %r9
	movq	1872(%rsp), %r10
	movq	1880(%rsp), %r11
	movq	1888(%rsp), %r12
	movq	1896(%rsp), %r13
	addq	704(%rsp), %r8
	adcq	712(%rsp), %r9
	adcq	720(%rsp), %r10
	adcq	728(%rsp), %r11
	adcq	736(%rsp), %r12
	adcq	744(%rsp), %r13
	movq	%r8, 1280(%rsp)
	movq	%r9, 1288(%rsp)
	movq	%r10, 1296(%rsp)
	movq	%r11, 1304(%rsp)
	movq	%r12, 1312(%rsp)
	movq	%r13, 1320(%rsp)
	movq	1904(%rsp), %rax
	movq	1912(%rsp), %rbx
	movq	1920(%rsp), %rcx
	movq	1928(%rsp), %rdx
	movq	1936(%rsp), %rsi
	movq	1944(%rsp), %rdi
	adcq	752(%rsp), %rax
	adcq	760(%rsp), %rbx
	adcq	768(%rsp), %rcx
	adcq	776(%rsp), %rdx
	adcq	784(%rsp), %rsi
	adcq	792(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 1328(%rsp)
	movq	%r9, 1336(%rsp)
	movq	%r10, 1344(%rsp)
	movq	%r11, 1352(%rsp)
	movq	%r12, 1360(%rsp)
	movq	%r13, 1368(%rsp)
	# c1 = m01 - t0 - t1 + xi t2, in M01
	# wide sub: [1376] = [1376] - [608] mod p 2^384
	movq	1376(%rsp), %r8
	movq	1384(%rsp), %r9
	movq	1392(%rsp), %r10
	movq	1400(%rsp), %r11
	movq	1408(%rsp), %r12
	movq	1416(%rsp), %r13
	subq	608(%rsp), %r8
	sbbq	616(%rsp), %r9
	sbbq	624(%rsp), %r10
	sbbq	632(%rsp), %r11
	sbbq	640(%rsp), %r12
	sbbq	648(%rsp), %r13
	movq	%r8, 1376(%rsp)
	movq	%r9, 1384(%rsp)
	movq	%r10, 1392(%rsp)
	movq	%r11, 1400(%rsp)
	movq	%r12, 1408(%rsp)
	movq	%r13, 1416(%rsp)
	movq	1424(%rsp), %rax
	movq	1432(%rsp), %rbx
	movq	1440(%rsp), %rcx
	movq	1448(%rsp), %rdx
	movq	1456(%rsp), %rsi
	movq	1464(%rsp), %rdi
	sbbq	656(%rsp), %rax
	sbbq	664(%rsp), %rbx
	sbbq	672(%rsp), %rcx
	sbbq	680(%rsp), %rdx
	sbbq	688(%rsp), %rsi
	sbbq	696(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1424(%rsp)
	movq	%r9, 1432(%rsp)
	movq	%r10, 1440(%rsp)
	movq	%r11, 1448(%rsp)
	movq	%r12, 1456(%rsp)
	movq	%r13, 1464(%rsp)
	# wide sub: [1472] = [1472] - [704] mod p 2^384
	movq	1472(%rsp), %r8
	movq	1480(%rsp), %r9
	movq	1488(%rsp), %r10
	movq	1496(%rsp), %r11
	movq	1504(%rsp), %r12
	movq	1512(%rsp), %r13
	subq	704(%rsp), %r8
	sbbq	712(%rsp), %r9
	sbbq	720(%rsp), %r10
	sbbq	728(%rsp), %r11
	sbbq	736(%rsp), %r12
	sbbq	744(%rsp), %r13
	movq	%r8, 1472(%rsp)
	movq	%r9, 1480(%rsp)
	movq	%r10, 1488(%rsp)
	movq	%r11, 1496(%rsp)
	movq	%r12, 1504(%rsp)
	movq	%r13, 1512(%rsp)
	movq	1520(%rsp), %rax
	movq	1528(%rsp), %rbx
	movq	1536(%rsp), %rcx
	movq	1544(%rsp), %rdx
	movq	1552(%rsp), %rsi
	movq	1560(%rsp), %rdi
	sbbq	752(%rsp), %rax
	sbbq	760(%rsp), %rbx
	sbbq	768(%rsp), %rcx
	sbbq	776(%rsp), %rdx
	sbbq	784(%rsp), %rsi
	sbbq	792(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1520(%rsp)
	movq	%r9, 1528(%rsp)
	movq	%r10, 1536(%rsp)
	movq	%r11, 1544(%rsp)
	movq	%r12, 1552(%rsp)
	movq	%r13, 1560(%rsp)
	# wide sub: [1376] = [1376] - [800] mod p 2^384
	movq	1376(%rsp), %r8
	movq	1384(%rsp), %r9
	movq	1392(%rsp), %r10
	movq	1400(%rsp), %r11
	movq	1408(%rsp), %r12
	movq	1416(%rsp), %r13
	subq	800(%rsp), %r8
	sbbq	808(%rsp), %r9
	sbbq	816(%rsp), %r10
	sbbq	824(%rsp), %r11
	sbbq	832(%rsp), %r12
	sbbq	840(%rsp), %r13
	movq	%r8, 1376(%rsp)
	movq	%r9, 1384(%rsp)
	movq	%r10, 1392(%rsp)
	movq	%r11, 1400(%rsp)
	movq	%r12, 1408(%rsp)
	movq	%r13, 1416(%rsp)
	movq	1424(%rsp), %rax
	movq	1432(%rsp), %rbx
	movq	1440(%rsp), %rcx
	movq	1448(%rsp), %rdx
	movq	1456(%rsp), %rsi
	movq	1464(%rsp), %rdi
	sbbq	848(%rsp), %rax
	sbbq	856(%rsp), %rbx
	sbbq	864(%rsp), %rcx
	sbbq	872(%rsp), %rdx
	sbbq	880(%rsp), %rsi
	sbbq	888(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1424(%rsp)
	movq	%r9, 1432(%rsp)
	movq	%r10, 1440(%rsp)
	movq	%r11, 1448(%rsp)
	movq	%r12, 1456(%rsp)
	movq	%r13, 1464(%rsp)
	# wide sub: [1472] = [1472] - [896] mod p 2^384
	movq	1472(%rsp), %r8
	movq	1480(%rsp), %r9
	movq	1488(%rsp), %r10
	movq	1496(%rsp), %r11
	movq	1504(%rsp), %r12
	movq	1512(%rsp), %r13
	subq	896(%rsp), %r8
	sbbq	904(%rsp), %r9
	sbbq	912(%rsp), %r10
	sbbq	920(%rsp), %r11
	sbbq	928(%rsp), %r12
	sbbq	936(%rsp), %r13
	movq	%r8, 1472(%rsp)
	movq	%r9, 1480(%rsp)
	movq	%r10, 1488(%rsp)
	movq	%r11, 1496(%rsp)
	movq	%r12, 1504(%rsp)
	movq	%r13, 1512(%rsp)
	movq	1520(%rsp), %rax
	movq	1528(%rsp), %rbx
	movq	1536(%rsp), %rcx
	movq	1544(%rsp), %rdx
	movq	1552(%rsp), %rsi
	movq	1560(%rsp), %rdi
	sbbq	944(%rsp), %rax
	sbbq	952(%rsp), %rbx
	sbbq	960(%rsp), %rcx
	sbbq	968(%rsp), %rdx
	sbbq	976(%rsp), %rsi
	sbbq	984(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1520(%rsp)
	movq	%r9, 1528(%rsp)
	movq	%r10, 1536(%rsp)
	movq	%r11, 1544(%rsp)
	movq	%r12, 1552(%rsp)
	movq	%r13, 1560(%rsp)
	# wide sub: [1760] = [992] - [1088] mod p 2^384
	movq	992(%rsp), %r8
	movq	1000(%rsp), %r9
	movq	1008(%rsp), %r10
	movq	1016(%rsp), %r11
	movq	1024(%rsp), %r12
	movq	1032(%rsp), %r13
	subq	1088(%rsp), %r8
	sbbq	1096(%rsp), %r9
	sbbq	1104(%rsp), %r10
	sbbq	1112(%rsp), %r11
	sbbq	1120(%rsp), %r12
	sbbq	1128(%rsp), %r13
	movq	%r8, 1760(%rsp)
	movq	%r9, 1768(%rsp)
	movq	%r10, 1776(%rsp)
	movq	%r11, 1784(%rsp)
	movq	%r12, 1792(%rsp)
	movq	%r13, 1800(%rsp)
	movq	1040(%rsp), %rax
	movq	1048(%rsp), %rbx
	movq	1056(%rsp), %rcx
	movq	1064(%rsp), %rdx
	movq	1072(%rsp), %rsi
	movq	1080(%rsp), %rdi
	sbbq	1136(%rsp), %rax
	sbbq	1144(%rsp), %rbx
	sbbq	1152(%rsp), %rcx
	sbbq	1160(%rsp), %rdx
	sbbq	1168(%rsp), %rsi
	sbbq	1176(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1808(%rsp)
	movq	%r9, 1816(%rsp)
	movq	%r10, 1824(%rsp)
	movq	%r11, 1832(%rsp)
	movq	%r12, 1840(%rsp)
	movq	%r13, 1848(%rsp)
	# wide add: [1856] = [992] + [1088] mod p 2^384
	movq	992(%rsp), %r8
	movq	1000(%rsp), %r9
	movq	1008(%rsp), %r10
	movq	1016(%rsp), %r11
	movq	1024(%rsp), %r12
	movq	1032(%rsp), %r13
	addq	1088(%rsp), %r8
	adcq	1096(%rsp), %r9
	adcq	1104(%rsp), %r10
	adcq	1112(%rsp), %r11
	adcq	1120(%rsp), %r12
	adcq	1128(%rsp), %r13
	movq	%r8, 1856(%rsp)
	movq	%r9, 1864(%rsp)
	movq	%r10, 1872(%rsp)
	movq	%r11, 1880(%rsp)
	movq	%r12, 1888(%rsp)
	movq	%r13, 1896(%rsp)
	movq	1040(%rsp), %rax
	movq	1048(%rsp), %rbx
	movq	1056(%rsp), %rcx
	movq	1064(%rsp), %rdx
	movq	1072(%rsp), %rsi
	movq	1080(%rsp), %rdi
	adcq	1136(%rsp), %rax
	adcq	1144(%rsp), %rbx
	adcq	1152(%rsp), %rcx
	adcq	1160(%rsp), %rdx
	adcq	1168(%rsp), %rsi
	adcq	1176(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 1904(%rsp)
	movq	%r9, 1912(%rsp)
	movq	%r10, 1920(%rsp)
	movq	%r11, 1928(%rsp)
	movq	%r12, 1936(%rsp)
	movq	%r13, 1944(%rsp)
	# wide add: [1376] = [1376] + [1760] mod p 2^384
	movq	1376(%rsp), %r8
	movq	1384(%rsp), %r9
	movq	1392(%rsp), %r10
	movq	1400(%rsp), %r11
	movq	1408(%rsp), %r12
	movq	1416(%rsp), %r13
	addq	1760(%rsp), %r8
	adcq	1768(%rsp), %r9
	adcq	1776(%rsp), %r10
	adcq	1784(%rsp), %r11
	adcq	1792(%rsp), %r12
	adcq	1800(%rsp), %r13
	movq	%r8, 1376(%rsp)
	movq	%r9, 1384(%rsp)
	movq	%r10, 1392(%rsp)
	movq	%r11, 1400(%rsp)
	movq	%r12, 1408(%rsp)
	movq	%r13, 1416(%rsp)
	movq	1424(%rsp), %rax
	movq	1432(%rsp), %rbx
	movq	1440(%rsp), %rcx
	movq	1448(%rsp), %rdx
	movq	1456(%rsp), %rsi
	movq	1464(%rsp), %rdi
	adcq	1808(%rsp), %rax
	adcq	1816(%rsp), %rbx
	adcq	1824(%rsp), %rcx
	adcq	1832(%rsp), %rdx
	adcq	1840(%rsp), %rsi
	adcq	1848(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 1424(%rsp)
	movq	%r9, 1432(%rsp)
	movq	%r10, 1440(%rsp)
	movq	%r11, 1448(%rsp)
	movq	%r12, 1456(%rsp)
	movq	%r13, 1464(%rsp)
	# wide add: [1472] = [1472] + [1856] mod p 2^384
	movq	1472(%rsp), %r8
	movq	1480(%rsp), %r9
	movq	1488(%rsp), %r10
	movq	1496(%rsp), %r11
	movq	1504(%rsp), %r12
	movq	1512(%rsp), %r13
	addq	1856(%rsp), %r8
	adcq	1864(%rsp), %r9
	adcq	1872(%rsp), %r10
	adcq	1880(%rsp), %r11
	adcq	1888(%rsp), %r12
	adcq	1896(%rsp), %r13
	movq	%r8, 1472(%rsp)
	movq	%r9, 1480(%rsp)
	movq	%r10, 1488(%rsp)
	movq	%r11, 1496(%rsp)
	movq	%r12, 1504(%rsp)
	movq	%r13, 1512(%rsp)
	movq	1520(%rsp), %rax
	movq	1528(%rsp), %rbx
	movq	1536(%rsp), %rcx
	movq	1544(%rsp), %rdx
	movq	1552(%rsp), %rsi
	movq	1560(%rsp), %rdi
	adcq	1904(%rsp), %rax
	adcq	1912(%rsp), %rbx
	adcq	1920(%rsp), %rcx
	adcq	1928(%rsp), %rdx
	adcq	1936(%rsp), %rsi
	adcq	1944(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 1520(%rsp)
	movq	%r9, 1528(%rsp)
	movq	%r10, 1536(%rsp)
	movq	%r11, 1544(%rsp)
	movq	%r12, 1552(%rsp)
	movq	%r13, 1560(%rsp)
	# c2 = m02 - t0 - t2 + t1, in M02
	# wide sub: [1568] = [1568] - [608] mod p 2^384
	movq	1568(%rsp), %r8
	movq	1576(%rsp), %r9
	movq	1584(%rsp), %r10
	movq	1592(%rsp), %r11
	movq	1600(%rsp), %r12
	movq	1608(%rsp), %r13
	subq	608(%rsp), %r8
	sbbq	616(%rsp), %r9
	sbbq	624(%rsp), %r10
	sbbq	632(%rsp), %r11
	sbbq	640(%rsp), %r12
	sbbq	648(%rsp), %r13
	movq	%r8, 1568(%rsp)
	movq	%r9, 1576(%rsp)
	movq	%r10, 1584(%rsp)
	movq	%r11, 1592(%rsp)
	movq	%r12, 1600(%rsp)
	movq	%r13, 1608(%rsp)
	movq	1616(%rsp), %rax
	movq	1624(%rsp), %rbx
	movq	1632(%rsp), %rcx
	movq	1640(%rsp), %rdx
	movq	1648(%rsp), %rsi
	movq	1656(%rsp), %rdi
	sbbq	656(%rsp), %rax
	sbbq	664(%rsp), %rbx
	sbbq	672(%rsp), %rcx
	sbbq	680(%rsp), %rdx
	sbbq	688(%rsp), %rsi
	sbbq	696(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1616(%rsp)
	movq	%r9, 1624(%rsp)
	movq	%r10, 1632(%rsp)
	movq	%r11, 1640(%rsp)
	movq	%r12, 1648(%rsp)
	movq	%r13, 1656(%rsp)
	# wide sub: [1664] = [1664] - [704] mod p 2^384
	movq	1664(%rsp), %r8
	movq	1672(%rsp), %r9
	movq	1680(%rsp), %r10
	movq	1688(%rsp), %r11
	movq	1696(%rsp), %r12
	movq	1704(%rsp), %r13
	subq	704(%rsp), %r8
	sbbq	712(%rsp), %r9
	sbbq	720(%rsp), %r10
	sbbq	728(%rsp), %r11
	sbbq	736(%rsp), %r12
	sbbq	744(%rsp), %r13
	movq	%r8, 1664(%rsp)
	movq	%r9, 1672(%rsp)
	movq	%r10, 1680(%rsp)
	movq	%r11, 1688(%rsp)
	movq	%r12, 1696(%rsp)
	movq	%r13, 1704(%rsp)
	movq	1712(%rsp), %rax
	movq	1720(%rsp), %rbx
	movq	1728(%rsp), %rcx
	movq	1736(%rsp), %rdx
	movq	1744(%rsp), %rsi
	movq	1752(%rsp), %rdi
	sbbq	752(%rsp), %rax
	sbbq	760(%rsp), %rbx
	sbbq	768(%rsp), %rcx
	sbbq	776(%rsp), %rdx
	sbbq	784(%rsp), %rsi
	sbbq	792(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1712(%rsp)
	movq	%r9, 1720(%rsp)
	movq	%r10, 1728(%rsp)
	movq	%r11, 1736(%rsp)
	movq	%r12, 1744(%rsp)
	movq	%r13, 1752(%rsp)
	# wide sub: [1568] = [1568] - [992] mod p 2^384
	movq	1568(%rsp), %r8
	movq	1576(%rsp), %r9
	movq	1584(%rsp), %r10
	movq	1592(%rsp), %r11
	movq	1600(%rsp), %r12
	movq	1608(%rsp), %r13
	subq	992(%rsp), %r8
	sbbq	1000(%rsp), %r9
	sbbq	1008(%rsp), %r10
	sbbq	1016(%rsp), %r11
	sbbq	1024(%rsp), %r12
	sbbq	1032(%rsp), %r13
	movq	%r8, 1568(%rsp)
	movq	%r9, 1576(%rsp)
	movq	%r10, 1584(%rsp)
	movq	%r11, 1592(%rsp)
	movq	%r12, 1600(%rsp)
	movq	%r13, 1608(%rsp)
	movq	1616(%rsp), %rax
	movq	1624(%rsp), %rbx
	movq	1632(%rsp), %rcx
	movq	1640(%rsp), %rdx
	movq	1648(%rsp), %rsi
	movq	1656(%rsp), %rdi
	sbbq	1040(%rsp), %rax
	sbbq	1048(%rsp), %rbx
	sbbq	1056(%rsp), %rcx
	sbbq	1064(%rsp), %rdx
	sbbq	1072(%rsp), %rsi
	sbbq	1080(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1616(%rsp)
	movq	%r9, 1624(%rsp)
	movq	%r10, 1632(%rsp)
	movq	%r11, 1640(%rsp)
	movq	%r12, 1648(%rsp)
	movq	%r13, 1656(%rsp)
	# wide sub: [1664] = [1664] - [1088] mod p 2^384
	movq	1664(%rsp), %r8
	movq	1672(%rsp), %r9
	movq	1680(%rsp), %r10
	movq	1688(%rsp), %r11
	movq	1696(%rsp), %r12
	movq	1704(%rsp), %r13
	subq	1088(%rsp), %r8
	sbbq	1096(%rsp), %r9
	sbbq	1104(%rsp), %r10
	sbbq	1112(%rsp), %r11
	sbbq	1120(%rsp), %r12
	sbbq	1128(%rsp), %r13
	movq	%r8, 1664(%rsp)
	movq	%r9, 1672(%rsp)
	movq	%r10, 1680(%rsp)
	movq	%r11, 1688(%rsp)
	movq	%r12, 1696(%rsp)
	movq	%r13, 1704(%rsp)
	movq	1712(%rsp), %rax
	movq	1720(%rsp), %rbx
	movq	1728(%rsp), %rcx
	movq	1736(%rsp), %rdx
	movq	1744(%rsp), %rsi
	movq	1752(%rsp), %rdi
	sbbq	1136(%rsp), %rax
	sbbq	1144(%rsp), %rbx
	sbbq	1152(%rsp), %rcx
	sbbq	1160(%rsp), %rdx
	sbbq	1168(%rsp), %rsi
	sbbq	1176(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 1712(%rsp)
	movq	%r9, 1720(%rsp)
	movq	%r10, 1728(%rsp)
	movq	%r11, 1736(%rsp)
	movq	%r12, 1744(%rsp)
	movq	%r13, 1752(%rsp)
	# wide add: [1568] = [1568] + [800] mod p 2^384
	movq	1568(%rsp), %r8
	movq	1576(%rsp), %r9
	movq	1584(%rsp), %r10
	movq	1592(%rsp), %r11
	movq	1600(%rsp), %r12
	movq	1608(%rsp), %r13
	addq	800(%rsp), %r8
	adcq	808(%rsp), %r9
	adcq	816(%rsp), %r10
	adcq	824(%rsp), %r11
	adcq	832(%rsp), %r12
	adcq	840(%rsp), %r13
	movq	%r8, 1568(%rsp)
	movq	%r9, 1576(%rsp)
	movq	%r10, 1584(%rsp)
	movq	%r11, 1592(%rsp)
	movq	%r12, 1600(%rsp)
	movq	%r13, 1608(%rsp)
	movq	1616(%rsp), %rax
	movq	1624(%rsp), %rbx
	movq	1632(%rsp), %rcx
	movq	1640(%rsp), %rdx
	movq	1648(%rsp), %rsi
	movq	1656(%rsp), %rdi
	adcq	848(%rsp), %rax
	adcq	856(%rsp), %rbx
	adcq	864(%rsp), %rcx
	adcq	872(%rsp), %rdx
	adcq	880(%rsp), %rsi
	adcq	888(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 1616(%rsp)
	movq	%r9, 1624(%rsp)
	movq	%r10, 1632(%rsp)
	movq	%r11, 1640(%rsp)
	movq	%r12, 1648(%rsp)
	movq	%r13, 1656(%rsp)
	# wide add: [1664] = [1664] + [896] mod p 2^384
	movq	1664(%rsp), %r8
	movq	1672(%rsp), %r9
	movq	1680(%rsp), %r10
	movq	1688(%rsp), %r11
	movq	1696(%rsp), %r12
	movq	1704(%rsp), %r13
	addq	896(%rsp), %r8
	adcq	904(%rsp), %r9
	adcq	912(%rsp), %r10
	adcq	920(%rsp), %r11
	adcq	928(%rsp), %r12
	adcq	936(%rsp), %r13
	movq	%r8, 1664(%rsp)
	movq	%r9, 1672(%rsp)
	movq	%r10, 1680(%rsp)
	movq	%r11, 1688(%rsp)
	movq	%r12, 1696(%rsp)
	movq	%r13, 1704(%rsp)
	movq	1712(%rsp), %rax
	movq	1720(%rsp), %rbx
	movq	1728(%rsp), %rcx
	movq	1736(%rsp), %rdx
	movq	1744(%rsp), %rsi
	movq	1752(%rsp), %rdi
	adcq	944(%rsp), %rax
	adcq	952(%rsp), %rbx
	adcq	960(%rsp), %rcx
	adcq	968(%rsp), %rdx
	adcq	976(%rsp), %rsi
	adcq	984(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 1712(%rsp)
	movq	%r9, 1720(%rsp)
	movq	%r10, 1728(%rsp)
	movq	%r11, 1736(%rsp)
	movq	%r12, 1744(%rsp)
	movq	%r13, 1752(%rsp)
	# reduce the six coefficients into out (a and b are no longer read: out may alias them)
	movq	0(%rsp), %rdi
	leaq	1184(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	0(%rsp), %rdi
	addq	$48, %rdi
	leaq	1280(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	0(%rsp), %rdi
	addq	$96, %rdi
	leaq	1376(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	0(%rsp), %rdi
	addq	$144, %rdi
	leaq	1472(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	0(%rsp), %rdi
	addq	$192, %rdi
	leaq	1568(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	0(%rsp), %rdi
	addq	$240, %rdi
	leaq	1664(%rsp), %rsi
	call	.Lprivfin_fp_redc
	addq	$1960, %rsp
	.cfi_adjust_cfa_offset -1960
	popq	%r15
	.cfi_adjust_cfa_offset -8
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
	.size	privfin_bls12_381_fp6_mul_adx, .-privfin_bls12_381_fp6_mul_adx
)");

// .Lprivfin_fp2_sqrw: out (24 limbs) = x^2 in Fp2, unreduced, for reduced
// x: out.c0 = (x0 + x1)(x0 + p - x1) in [0, 4p^2), out.c1 = 2 x0 x1 in
// [0, 2p^2), both below M (4p < 2^384). rdi = out, rsi = x; out must not
// overlap x. Frame: the three operands, out, x.
asm(R"(
	.text
	.p2align 5
.Lprivfin_fp2_sqrw:
	.cfi_startproc
	subq	$168, %rsp
	.cfi_adjust_cfa_offset 168
	movq	%rdi, 144(%rsp)
	movq	%rsi, 152(%rsp)
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	48(%rsi), %r8
	adcq	56(%rsi), %r9
	adcq	64(%rsi), %r10
	adcq	72(%rsi), %r11
	adcq	80(%rsi), %r12
	adcq	88(%rsi), %r13
	movq	%r8, 0(%rsp)
	movq	%r9, 8(%rsp)
	movq	%r10, 16(%rsp)
	movq	%r11, 24(%rsp)
	movq	%r12, 32(%rsp)
	movq	%r13, 40(%rsp)
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	subq	48(%rsi), %r8
	sbbq	56(%rsi), %r9
	sbbq	64(%rsi), %r10
	sbbq	72(%rsi), %r11
	sbbq	80(%rsi), %r12
	sbbq	88(%rsi), %r13
	movq	%r8, 48(%rsp)
	movq	%r9, 56(%rsp)
	movq	%r10, 64(%rsp)
	movq	%r11, 72(%rsp)
	movq	%r12, 80(%rsp)
	movq	%r13, 88(%rsp)
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	%r8, %r8
	adcq	%r9, %r9
	adcq	%r10, %r10
	adcq	%r11, %r11
	adcq	%r12, %r12
	adcq	%r13, %r13
	movq	%r8, 96(%rsp)
	movq	%r9, 104(%rsp)
	movq	%r10, 112(%rsp)
	movq	%r11, 120(%rsp)
	movq	%r12, 128(%rsp)
	movq	%r13, 136(%rsp)
	leaq	0(%rsp), %rsi
	leaq	48(%rsp), %rcx
	call	.Lprivfin_fp_wide
	movq	144(%rsp), %rdi
	addq	$96, %rdi
	leaq	96(%rsp), %rsi
	movq	152(%rsp), %rcx
	addq	$48, %rcx
	call	.Lprivfin_fp_wide
	addq	$168, %rsp
	.cfi_adjust_cfa_offset -168
	ret
	.cfi_endproc
)");

// privfin_bls12_381_fp4_sqr_adx (declared in fields.hpp): (a + b t)^2 in
// Fp4 = Fp2[t] / (t^2 - xi), the kernel of the cyclotomic squaring:
// out0 = xi b^2 + a^2, out1 = (a + b)^2 - a^2 - b^2, from three unreduced
// Fp2 squares (six wide products) combined modulo M and four reductions
// (the reduced form took six Montgomery products and six reductions).
// rdi = out (24 limbs: out0, out1), rsi = a, rdx = b (Fp2, 12 limbs each);
// out may alias a or b. Frame: out, a, b, a^2, b^2, a + b, (a + b)^2, and
// a wide scratch.
asm(R"(
	.text
	.p2align 5
	.globl	privfin_bls12_381_fp4_sqr_adx
	.hidden	privfin_bls12_381_fp4_sqr_adx
	.type	privfin_bls12_381_fp4_sqr_adx,@function
privfin_bls12_381_fp4_sqr_adx:
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
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r15, -56
	subq	$904, %rsp
	.cfi_adjust_cfa_offset 904
	movq	%rdi, 0(%rsp)
	movq	%rsi, 8(%rsp)
	movq	%rdx, 16(%rsp)
	movq	%rdx, %rdi
	# s = a + b, reduced
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	addq	0(%rdi), %r8
	adcq	8(%rdi), %r9
	adcq	16(%rdi), %r10
	adcq	24(%rdi), %r11
	adcq	32(%rdi), %r12
	adcq	40(%rdi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 416(%rsp)
	movq	%rbx, 424(%rsp)
	movq	%rcx, 432(%rsp)
	movq	%rdx, 440(%rsp)
	movq	%rbp, 448(%rsp)
	movq	%r15, 456(%rsp)
	movq	48(%rsi), %r8
	movq	56(%rsi), %r9
	movq	64(%rsi), %r10
	movq	72(%rsi), %r11
	movq	80(%rsi), %r12
	movq	88(%rsi), %r13
	addq	48(%rdi), %r8
	adcq	56(%rdi), %r9
	adcq	64(%rdi), %r10
	adcq	72(%rdi), %r11
	adcq	80(%rdi), %r12
	adcq	88(%rdi), %r13
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	movq	%r11, %rdx
	movq	%r12, %rbp
	movq	%r13, %r15
	subq	.Lprivfin_fp_p+0(%rip), %rax
	sbbq	.Lprivfin_fp_p+8(%rip), %rbx
	sbbq	.Lprivfin_fp_p+16(%rip), %rcx
	sbbq	.Lprivfin_fp_p+24(%rip), %rdx
	sbbq	.Lprivfin_fp_p+32(%rip), %rbp
	sbbq	.Lprivfin_fp_p+40(%rip), %r15
	cmovcq	%r8, %rax
	cmovcq	%r9, %rbx
	cmovcq	%r10, %rcx
	cmovcq	%r11, %rdx
	cmovcq	%r12, %rbp
	cmovcq	%r13, %r15
	movq	%rax, 464(%rsp)
	movq	%rbx, 472(%rsp)
	movq	%rcx, 480(%rsp)
	movq	%rdx, 488(%rsp)
	movq	%rbp, 496(%rsp)
	movq	%r15, 504(%rsp)
	leaq	32(%rsp), %rdi
	movq	8(%rsp), %rsi
	call	.Lprivfin_fp2_sqrw
	leaq	224(%rsp), %rdi
	movq	16(%rsp), %rsi
	call	.Lprivfin_fp2_sqrw
	leaq	512(%rsp), %rdi
	leaq	416(%rsp), %rsi
	call	.Lprivfin_fp2_sqrw
	# out1 = s^2 - a^2 - b^2 = 2 a b, in S2
	# wide sub: [512] = [512] - [32] mod p 2^384
	movq	512(%rsp), %r8
	movq	520(%rsp), %r9
	movq	528(%rsp), %r10
	movq	536(%rsp), %r11
	movq	544(%rsp), %r12
	movq	552(%rsp), %r13
	subq	32(%rsp), %r8
	sbbq	40(%rsp), %r9
	sbbq	48(%rsp), %r10
	sbbq	56(%rsp), %r11
	sbbq	64(%rsp), %r12
	sbbq	72(%rsp), %r13
	movq	%r8, 512(%rsp)
	movq	%r9, 520(%rsp)
	movq	%r10, 528(%rsp)
	movq	%r11, 536(%rsp)
	movq	%r12, 544(%rsp)
	movq	%r13, 552(%rsp)
	movq	560(%rsp), %rax
	movq	568(%rsp), %rbx
	movq	576(%rsp), %rcx
	movq	584(%rsp), %rdx
	movq	592(%rsp), %rsi
	movq	600(%rsp), %rdi
	sbbq	80(%rsp), %rax
	sbbq	88(%rsp), %rbx
	sbbq	96(%rsp), %rcx
	sbbq	104(%rsp), %rdx
	sbbq	112(%rsp), %rsi
	sbbq	120(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 560(%rsp)
	movq	%r9, 568(%rsp)
	movq	%r10, 576(%rsp)
	movq	%r11, 584(%rsp)
	movq	%r12, 592(%rsp)
	movq	%r13, 600(%rsp)
	# wide sub: [608] = [608] - [128] mod p 2^384
	movq	608(%rsp), %r8
	movq	616(%rsp), %r9
	movq	624(%rsp), %r10
	movq	632(%rsp), %r11
	movq	640(%rsp), %r12
	movq	648(%rsp), %r13
	subq	128(%rsp), %r8
	sbbq	136(%rsp), %r9
	sbbq	144(%rsp), %r10
	sbbq	152(%rsp), %r11
	sbbq	160(%rsp), %r12
	sbbq	168(%rsp), %r13
	movq	%r8, 608(%rsp)
	movq	%r9, 616(%rsp)
	movq	%r10, 624(%rsp)
	movq	%r11, 632(%rsp)
	movq	%r12, 640(%rsp)
	movq	%r13, 648(%rsp)
	movq	656(%rsp), %rax
	movq	664(%rsp), %rbx
	movq	672(%rsp), %rcx
	movq	680(%rsp), %rdx
	movq	688(%rsp), %rsi
	movq	696(%rsp), %rdi
	sbbq	176(%rsp), %rax
	sbbq	184(%rsp), %rbx
	sbbq	192(%rsp), %rcx
	sbbq	200(%rsp), %rdx
	sbbq	208(%rsp), %rsi
	sbbq	216(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 656(%rsp)
	movq	%r9, 664(%rsp)
	movq	%r10, 672(%rsp)
	movq	%r11, 680(%rsp)
	movq	%r12, 688(%rsp)
	movq	%r13, 696(%rsp)
	# wide sub: [512] = [512] - [224] mod p 2^384
	movq	512(%rsp), %r8
	movq	520(%rsp), %r9
	movq	528(%rsp), %r10
	movq	536(%rsp), %r11
	movq	544(%rsp), %r12
	movq	552(%rsp), %r13
	subq	224(%rsp), %r8
	sbbq	232(%rsp), %r9
	sbbq	240(%rsp), %r10
	sbbq	248(%rsp), %r11
	sbbq	256(%rsp), %r12
	sbbq	264(%rsp), %r13
	movq	%r8, 512(%rsp)
	movq	%r9, 520(%rsp)
	movq	%r10, 528(%rsp)
	movq	%r11, 536(%rsp)
	movq	%r12, 544(%rsp)
	movq	%r13, 552(%rsp)
	movq	560(%rsp), %rax
	movq	568(%rsp), %rbx
	movq	576(%rsp), %rcx
	movq	584(%rsp), %rdx
	movq	592(%rsp), %rsi
	movq	600(%rsp), %rdi
	sbbq	272(%rsp), %rax
	sbbq	280(%rsp), %rbx
	sbbq	288(%rsp), %rcx
	sbbq	296(%rsp), %rdx
	sbbq	304(%rsp), %rsi
	sbbq	312(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 560(%rsp)
	movq	%r9, 568(%rsp)
	movq	%r10, 576(%rsp)
	movq	%r11, 584(%rsp)
	movq	%r12, 592(%rsp)
	movq	%r13, 600(%rsp)
	# wide sub: [608] = [608] - [320] mod p 2^384
	movq	608(%rsp), %r8
	movq	616(%rsp), %r9
	movq	624(%rsp), %r10
	movq	632(%rsp), %r11
	movq	640(%rsp), %r12
	movq	648(%rsp), %r13
	subq	320(%rsp), %r8
	sbbq	328(%rsp), %r9
	sbbq	336(%rsp), %r10
	sbbq	344(%rsp), %r11
	sbbq	352(%rsp), %r12
	sbbq	360(%rsp), %r13
	movq	%r8, 608(%rsp)
	movq	%r9, 616(%rsp)
	movq	%r10, 624(%rsp)
	movq	%r11, 632(%rsp)
	movq	%r12, 640(%rsp)
	movq	%r13, 648(%rsp)
	movq	656(%rsp), %rax
	movq	664(%rsp), %rbx
	movq	672(%rsp), %rcx
	movq	680(%rsp), %rdx
	movq	688(%rsp), %rsi
	movq	696(%rsp), %rdi
	sbbq	368(%rsp), %rax
	sbbq	376(%rsp), %rbx
	sbbq	384(%rsp), %rcx
	sbbq	392(%rsp), %rdx
	sbbq	400(%rsp), %rsi
	sbbq	408(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 656(%rsp)
	movq	%r9, 664(%rsp)
	movq	%r10, 672(%rsp)
	movq	%r11, 680(%rsp)
	movq	%r12, 688(%rsp)
	movq	%r13, 696(%rsp)
	# out0 = xi b^2 + a^2, in X
	# wide sub: [704] = [224] - [320] mod p 2^384
	movq	224(%rsp), %r8
	movq	232(%rsp), %r9
	movq	240(%rsp), %r10
	movq	248(%rsp), %r11
	movq	256(%rsp), %r12
	movq	264(%rsp), %r13
	subq	320(%rsp), %r8
	sbbq	328(%rsp), %r9
	sbbq	336(%rsp), %r10
	sbbq	344(%rsp), %r11
	sbbq	352(%rsp), %r12
	sbbq	360(%rsp), %r13
	movq	%r8, 704(%rsp)
	movq	%r9, 712(%rsp)
	movq	%r10, 720(%rsp)
	movq	%r11, 728(%rsp)
	movq	%r12, 736(%rsp)
	movq	%r13, 744(%rsp)
	movq	272(%rsp), %rax
	movq	280(%rsp), %rbx
	movq	288(%rsp), %rcx
	movq	296(%rsp), %rdx
	movq	304(%rsp), %rsi
	movq	312(%rsp), %rdi
	sbbq	368(%rsp), %rax
	sbbq	376(%rsp), %rbx
	sbbq	384(%rsp), %rcx
	sbbq	392(%rsp), %rdx
	sbbq	400(%rsp), %rsi
	sbbq	408(%rsp), %rdi
	sbbq	%r14, %r14
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	addq	.Lprivfin_fp_p+0(%rip), %r8
	adcq	.Lprivfin_fp_p+8(%rip), %r9
	adcq	.Lprivfin_fp_p+16(%rip), %r10
	adcq	.Lprivfin_fp_p+24(%rip), %r11
	adcq	.Lprivfin_fp_p+32(%rip), %r12
	adcq	.Lprivfin_fp_p+40(%rip), %r13
	testq	%r14, %r14
	cmovzq	%rax, %r8
	cmovzq	%rbx, %r9
	cmovzq	%rcx, %r10
	cmovzq	%rdx, %r11
	cmovzq	%rsi, %r12
	cmovzq	%rdi, %r13
	movq	%r8, 752(%rsp)
	movq	%r9, 760(%rsp)
	movq	%r10, 768(%rsp)
	movq	%r11, 776(%rsp)
	movq	%r12, 784(%rsp)
	movq	%r13, 792(%rsp)
	# wide add: [800] = [224] + [320] mod p 2^384
	movq	224(%rsp), %r8
	movq	232(%rsp), %r9
	movq	240(%rsp), %r10
	movq	248(%rsp), %r11
	movq	256(%rsp), %r12
	movq	264(%rsp), %r13
	addq	320(%rsp), %r8
	adcq	328(%rsp), %r9
	adcq	336(%rsp), %r10
	adcq	344(%rsp), %r11
	adcq	352(%rsp), %r12
	adcq	360(%rsp), %r13
	movq	%r8, 800(%rsp)
	movq	%r9, 808(%rsp)
	movq	%r10, 816(%rsp)
	movq	%r11, 824(%rsp)
	movq	%r12, 832(%rsp)
	movq	%r13, 840(%rsp)
	movq	272(%rsp), %rax
	movq	280(%rsp), %rbx
	movq	288(%rsp), %rcx
	movq	296(%rsp), %rdx
	movq	304(%rsp), %rsi
	movq	312(%rsp), %rdi
	adcq	368(%rsp), %rax
	adcq	376(%rsp), %rbx
	adcq	384(%rsp), %rcx
	adcq	392(%rsp), %rdx
	adcq	400(%rsp), %rsi
	adcq	408(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 848(%rsp)
	movq	%r9, 856(%rsp)
	movq	%r10, 864(%rsp)
	movq	%r11, 872(%rsp)
	movq	%r12, 880(%rsp)
	movq	%r13, 888(%rsp)
	# wide add: [704] = [704] + [32] mod p 2^384
	movq	704(%rsp), %r8
	movq	712(%rsp), %r9
	movq	720(%rsp), %r10
	movq	728(%rsp), %r11
	movq	736(%rsp), %r12
	movq	744(%rsp), %r13
	addq	32(%rsp), %r8
	adcq	40(%rsp), %r9
	adcq	48(%rsp), %r10
	adcq	56(%rsp), %r11
	adcq	64(%rsp), %r12
	adcq	72(%rsp), %r13
	movq	%r8, 704(%rsp)
	movq	%r9, 712(%rsp)
	movq	%r10, 720(%rsp)
	movq	%r11, 728(%rsp)
	movq	%r12, 736(%rsp)
	movq	%r13, 744(%rsp)
	movq	752(%rsp), %rax
	movq	760(%rsp), %rbx
	movq	768(%rsp), %rcx
	movq	776(%rsp), %rdx
	movq	784(%rsp), %rsi
	movq	792(%rsp), %rdi
	adcq	80(%rsp), %rax
	adcq	88(%rsp), %rbx
	adcq	96(%rsp), %rcx
	adcq	104(%rsp), %rdx
	adcq	112(%rsp), %rsi
	adcq	120(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 752(%rsp)
	movq	%r9, 760(%rsp)
	movq	%r10, 768(%rsp)
	movq	%r11, 776(%rsp)
	movq	%r12, 784(%rsp)
	movq	%r13, 792(%rsp)
	# wide add: [800] = [800] + [128] mod p 2^384
	movq	800(%rsp), %r8
	movq	808(%rsp), %r9
	movq	816(%rsp), %r10
	movq	824(%rsp), %r11
	movq	832(%rsp), %r12
	movq	840(%rsp), %r13
	addq	128(%rsp), %r8
	adcq	136(%rsp), %r9
	adcq	144(%rsp), %r10
	adcq	152(%rsp), %r11
	adcq	160(%rsp), %r12
	adcq	168(%rsp), %r13
	movq	%r8, 800(%rsp)
	movq	%r9, 808(%rsp)
	movq	%r10, 816(%rsp)
	movq	%r11, 824(%rsp)
	movq	%r12, 832(%rsp)
	movq	%r13, 840(%rsp)
	movq	848(%rsp), %rax
	movq	856(%rsp), %rbx
	movq	864(%rsp), %rcx
	movq	872(%rsp), %rdx
	movq	880(%rsp), %rsi
	movq	888(%rsp), %rdi
	adcq	176(%rsp), %rax
	adcq	184(%rsp), %rbx
	adcq	192(%rsp), %rcx
	adcq	200(%rsp), %rdx
	adcq	208(%rsp), %rsi
	adcq	216(%rsp), %rdi
	movq	%rax, %r8
	movq	%rbx, %r9
	movq	%rcx, %r10
	movq	%rdx, %r11
	movq	%rsi, %r12
	movq	%rdi, %r13
	subq	.Lprivfin_fp_p+0(%rip), %r8
	sbbq	.Lprivfin_fp_p+8(%rip), %r9
	sbbq	.Lprivfin_fp_p+16(%rip), %r10
	sbbq	.Lprivfin_fp_p+24(%rip), %r11
	sbbq	.Lprivfin_fp_p+32(%rip), %r12
	sbbq	.Lprivfin_fp_p+40(%rip), %r13
	cmovcq	%rax, %r8
	cmovcq	%rbx, %r9
	cmovcq	%rcx, %r10
	cmovcq	%rdx, %r11
	cmovcq	%rsi, %r12
	cmovcq	%rdi, %r13
	movq	%r8, 848(%rsp)
	movq	%r9, 856(%rsp)
	movq	%r10, 864(%rsp)
	movq	%r11, 872(%rsp)
	movq	%r12, 880(%rsp)
	movq	%r13, 888(%rsp)
	# reduce the four coefficients into out (a and b are no longer read: out may alias them)
	movq	0(%rsp), %rdi
	leaq	704(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	0(%rsp), %rdi
	addq	$48, %rdi
	leaq	800(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	0(%rsp), %rdi
	addq	$96, %rdi
	leaq	512(%rsp), %rsi
	call	.Lprivfin_fp_redc
	movq	0(%rsp), %rdi
	addq	$144, %rdi
	leaq	608(%rsp), %rsi
	call	.Lprivfin_fp_redc
	addq	$904, %rsp
	.cfi_adjust_cfa_offset -904
	popq	%r15
	.cfi_adjust_cfa_offset -8
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
	.size	privfin_bls12_381_fp4_sqr_adx, .-privfin_bls12_381_fp4_sqr_adx
)");

// p and p^2 (p^2 < 2^762, twelve limbs).
asm(R"(
	.section	.rodata
	.p2align 4
.Lprivfin_fp_p:
	.quad	0xb9feffffffffaaab, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624
	.quad	0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a
.Lprivfin_fp_p2:
	.quad	0x26aa00001c718e39, 0x7ced6b1d76382eab, 0x162c338362113cfd
	.quad	0x66bf91ed3e71b743, 0x292e85a87091a049, 0x1d68619c86185c7b
	.quad	0xf53149330978ef01, 0x50a62cfd16ddca6e, 0x66e59e49349e8bd0
	.quad	0xe2dc90e50e7046b4, 0x4bd278eaa22f25e9, 0x2a437a4b8c35fc7
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
