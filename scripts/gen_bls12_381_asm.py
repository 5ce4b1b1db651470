#!/usr/bin/env python3
# Generates the assembly blocks of lib/sig/bls12_381/fp_mul_x86.cpp (the
# MULX/ADX Fp, Fp2, Fp4 and Fp6 routines) and rewrites them in place: the
# file's comments and C++ stay as written, each asm(R"(...)"); block is
# replaced, in order, by the generated one. Edit this script, not the
# blocks, then run it from the repository root:
#   python3 scripts/gen_bls12_381_asm.py
# The routines fully unroll their loops, so the assembly is long and
# regular; this is its source of truth.
import re
import sys

R = ["r8", "r9", "r10", "r11", "r12", "r13", "r14"]
p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
def limbs(x, n): return [(x >> (64 * i)) & (2**64 - 1) for i in range(n)]
def d32(r): return r + "d"

class A:
    def __init__(self): self.lines = []
    def i(self, s): self.lines.append("\t" + s)
    def c(self, s): self.lines.append("\t# " + s)
    def raw(self, s): self.lines.append(s)
    def text(self): return "\n".join(self.lines) + "\n"

def window(i): return [R[(i + k) % 7] for k in range(7)]

def add_row(a, w, base):
    # w[0..6] += rdx * src[0..5]; CF/OF clear and w[6] == 0 on entry.
    for j in range(6):
        a.i(f"mulxq\t{base(j)}, %rax, %rbx")
        a.i(f"adoxq\t%rax, %{w[j]}")
        a.i(f"adcxq\t%rbx, %{w[j+1]}")
    a.i(f"adoxq\t%rbp, %{w[6]}")

def pmem(j): return f".Lprivfin_fp_p+{8*j}(%rip)"

def reduce_row(a, w):
    a.i("movabsq\t$0x89f3fffcfffcfffd, %rdx")
    a.i(f"imulq\t%{w[0]}, %rdx")
    a.i("xorl\t%eax, %eax")
    add_row(a, w, pmem)

def final_sub(a, w):
    # out = w - p when that does not borrow, else w (w < 2p).
    tmp = ["rax", "rbx", "rcx", "rdx", "rsi", "rbp"]
    for k in range(6):
        a.i(f"movq\t%{w[k]}, %{tmp[k]}")
        a.i(f"{'subq' if k == 0 else 'sbbq'}\t{pmem(k)}, %{tmp[k]}")
    for k in range(6): a.i(f"cmovcq\t%{w[k]}, %{tmp[k]}")
    a.i(".if \\pack")
    store16(a, tmp)
    a.i(".else")
    for k in range(6): a.i(f"movq\t%{tmp[k]}, {8*k}(%rdi)")
    a.i(".endif")

def store16(a, tmp):
    # The six limbs stored as 16-byte pairs (SSE2, baseline): GCC
    # copies elements with 16-byte loads, which 8-byte stores cannot forward to.
    for k in range(0, 6, 2):
        a.i(f"movq\t%{tmp[k]}, %xmm0")
        a.i(f"movq\t%{tmp[k+1]}, %xmm1")
        a.i("punpcklqdq\t%xmm1, %xmm0")
        a.i(f"movdqu\t%xmm0, {8*k}(%rdi)")

def mont_body(a):
    a.i("xorl\t%ebp, %ebp")
    for r in R[:6]: a.i(f"xorl\t%{d32(r)}, %{d32(r)}")
    for i in range(6):
        w = window(i)
        a.c(f"row {i}: t0..t6 = " + ", ".join(w))
        a.i(f"movq\t{8*i}(%rcx), %rdx")
        a.i(f"xorl\t%{d32(w[6])}, %{d32(w[6])}")
        add_row(a, w, lambda j: f"{8*j}(%rsi)")
        reduce_row(a, w)
    final_sub(a, window(6)[:6])

def wide_body(a):
    a.i("xorl\t%ebp, %ebp")
    for r in R[:6]: a.i(f"xorl\t%{d32(r)}, %{d32(r)}")
    for i in range(6):
        w = window(i)
        a.c(f"row {i}: t0..t6 = " + ", ".join(w) + f"; t0 is limb {i} of the product")
        a.i(f"movq\t{8*i}(%rcx), %rdx")
        a.i(f"xorl\t%{d32(w[6])}, %{d32(w[6])}")
        add_row(a, w, lambda j: f"{8*j}(%rsi)")
        a.i(f"movq\t%{w[0]}, {8*i}(%rdi)")
    w = window(6)
    for k in range(6): a.i(f"movq\t%{w[k]}, {8*(6+k)}(%rdi)")

def redc_body(a):
    for k in range(6): a.i(f"movq\t{8*k}(%rsi), %{R[k]}")
    a.i("xorl\t%ebp, %ebp")
    for i in range(6):
        w = window(i)
        a.c(f"row {i}: t0..t6 = " + ", ".join(w))
        a.i("movabsq\t$0x89f3fffcfffcfffd, %rdx")
        a.i(f"imulq\t%{w[0]}, %rdx")
        a.i(f"xorl\t%{d32(w[6])}, %{d32(w[6])}")
        add_row(a, w, pmem)
    w = window(6)[:6]
    a.c("u = " + ", ".join(w) + " (u <= p); add the high half of t")
    for k in range(6): a.i(f"{'addq' if k == 0 else 'adcq'}\t{48+8*k}(%rsi), %{w[k]}")
    final_sub(a, w)

SAVED5 = ["rbp", "rbx", "r12", "r13", "r14"]
SAVED6 = SAVED5 + ["r15"]

def prologue(a, saved, frame=0):
    for n, r in enumerate(saved):
        a.i(f"pushq\t%{r}")
        a.i(".cfi_adjust_cfa_offset 8")
        a.i(f".cfi_offset %{r}, {-16 - 8*n}")
    if frame:
        a.i(f"subq\t${frame}, %rsp")
        a.i(f".cfi_adjust_cfa_offset {frame}")

def epilogue(a, saved, frame=0):
    if frame:
        a.i(f"addq\t${frame}, %rsp")
        a.i(f".cfi_adjust_cfa_offset -{frame}")
    for r in reversed(saved):
        a.i(f"popq\t%{r}")
        a.i(".cfi_adjust_cfa_offset -8")
    a.i("ret")

def func_start(a, name, local=False):
    a.i(".text")
    a.i(".p2align 5")
    if not local:
        a.i(f".globl\t{name}")
        a.i(f".hidden\t{name}")
        a.i(f".type\t{name},@function")
    a.raw(f"{name}:")
    a.i(".cfi_startproc")

def func_end(a, name, local=False):
    a.i(".cfi_endproc")
    if not local: a.i(f".size\t{name}, .-{name}")

def block(body_fn):
    a = A()
    body_fn(a)
    return 'asm(R"(\n' + a.text() + ')");\n'

def macro(name, body, args=""):
    def f(a):
        a.i(f".macro\t{name}{' ' + args if args else ''}")
        body(a)
        a.i(".endm")
    return f

def exported(name, body, move_b=True):
    def f(a):
        func_start(a, name)
        prologue(a, SAVED5)
        if move_b: a.i("movq\t%rdx, %rcx")
        a.i(body)
        epilogue(a, SAVED5)
        func_end(a, name)
    return f

def local(name, body):
    def f(a):
        func_start(a, name, local=True)
        a.i(body)
        a.i("ret")
        func_end(a, name, local=True)
    return f

def chain12(a, regs, op0, op, src):
    for k in range(12):
        a.i(f"{op0 if k == 0 else op}\t{src(k)}, %{regs[k]}")

REGS12 = ["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rax", "rbx", "rcx", "rdx"]

# Fp2 multiplication frame: T0 0, T1 96, T2 192, sa 288, sb 336, out 384, a 392, b 400.
MUL_FRAME = 408
def fp2_mul(a):
    name = "privfin_bls12_381_fp2_mul_adx"
    func_start(a, name)
    prologue(a, SAVED6, MUL_FRAME)
    a.i("movq\t%rdi, 384(%rsp)")
    a.i("movq\t%rsi, 392(%rsp)")
    a.i("movq\t%rdx, 400(%rsp)")
    a.c("sa = a0 + a1, sb = b0 + b1, not reduced (below 2p)")
    for src, dst in (("rsi", 288), ("rdx", 336)):
        for k in range(6):
            a.i(f"movq\t{8*k}(%{src}), %rax")
            a.i(f"{'addq' if k == 0 else 'adcq'}\t{48+8*k}(%{src}), %rax")
            a.i(f"movq\t%rax, {dst+8*k}(%rsp)")
    a.c("T0 = a0 b0, T1 = a1 b1, T2 = sa sb")
    a.i("leaq\t0(%rsp), %rdi")
    a.i("movq\t392(%rsp), %rsi")
    a.i("movq\t400(%rsp), %rcx")
    a.i("call\t.Lprivfin_fp_wide")
    a.i("leaq\t96(%rsp), %rdi")
    a.i("movq\t392(%rsp), %rsi")
    a.i("addq\t$48, %rsi")
    a.i("movq\t400(%rsp), %rcx")
    a.i("addq\t$48, %rcx")
    a.i("call\t.Lprivfin_fp_wide")
    a.i("leaq\t192(%rsp), %rdi")
    a.i("leaq\t288(%rsp), %rsi")
    a.i("leaq\t336(%rsp), %rcx")
    a.i("call\t.Lprivfin_fp_wide")
    a.c("T2 -= T0 + T1: a0 b1 + a1 b0, no borrow")
    for k in range(12): a.i(f"movq\t{192+8*k}(%rsp), %{REGS12[k]}")
    chain12(a, REGS12, "subq", "sbbq", lambda k: f"{8*k}(%rsp)")
    chain12(a, REGS12, "subq", "sbbq", lambda k: f"{96+8*k}(%rsp)")
    for k in range(12): a.i(f"movq\t%{REGS12[k]}, {192+8*k}(%rsp)")
    a.c("T0 += p^2 - T1: a0 b0 - a1 b1 + p^2, in (0, 2p^2), no carry or borrow")
    for k in range(12): a.i(f"movq\t{8*k}(%rsp), %{REGS12[k]}")
    chain12(a, REGS12, "addq", "adcq", lambda k: f".Lprivfin_fp_p2+{8*k}(%rip)")
    chain12(a, REGS12, "subq", "sbbq", lambda k: f"{96+8*k}(%rsp)")
    for k in range(12): a.i(f"movq\t%{REGS12[k]}, {8*k}(%rsp)")
    a.c("out.c0 = T0 / 2^384, out.c1 = T2 / 2^384 (mod p)")
    a.i("movq\t384(%rsp), %rdi")
    a.i("leaq\t0(%rsp), %rsi")
    a.i("call\t.Lprivfin_fp_redc")
    a.i("movq\t384(%rsp), %rdi")
    a.i("addq\t$48, %rdi")
    a.i("leaq\t192(%rsp), %rsi")
    a.i("call\t.Lprivfin_fp_redc")
    epilogue(a, SAVED6, MUL_FRAME)
    func_end(a, name)

# Fp2 squaring frame: s 0, d 48, t 96, out 144, a 152.
SQR_FRAME = 168
def fp2_sqr(a):
    name = "privfin_bls12_381_fp2_sqr_adx"
    func_start(a, name)
    prologue(a, SAVED6, SQR_FRAME)
    a.i("movq\t%rdi, 144(%rsp)")
    a.i("movq\t%rsi, 152(%rsp)")
    w = ["r8", "r9", "r10", "r11", "r12", "r13"]
    a.c("s = a0 + a1 (below 2p)")
    for k in range(6):
        a.i(f"movq\t{8*k}(%rsi), %{w[k]}")
    for k in range(6):
        a.i(f"{'addq' if k == 0 else 'adcq'}\t{48+8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"movq\t%{w[k]}, {8*k}(%rsp)")
    a.c("d = a0 + p - a1 (in (0, 2p))")
    for k in range(6): a.i(f"movq\t{8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"{'addq' if k == 0 else 'adcq'}\t{pmem(k)}, %{w[k]}")
    for k in range(6): a.i(f"{'subq' if k == 0 else 'sbbq'}\t{48+8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"movq\t%{w[k]}, {48+8*k}(%rsp)")
    a.c("t = a0 + a0 (below 2p)")
    for k in range(6): a.i(f"movq\t{8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"{'addq' if k == 0 else 'adcq'}\t%{w[k]}, %{w[k]}")
    for k in range(6): a.i(f"movq\t%{w[k]}, {96+8*k}(%rsp)")
    a.c("out.c0 = s d / 2^384, then out.c1 = t a1 / 2^384 (a1 is read after c0 is stored: out may alias a)")
    a.i("movq\t144(%rsp), %rdi")
    a.i("leaq\t0(%rsp), %rsi")
    a.i("leaq\t48(%rsp), %rcx")
    a.i("call\t.Lprivfin_fp_mont")
    a.i("movq\t144(%rsp), %rdi")
    a.i("addq\t$48, %rdi")
    a.i("leaq\t96(%rsp), %rsi")
    a.i("movq\t152(%rsp), %rcx")
    a.i("addq\t$48, %rcx")
    a.i("call\t.Lprivfin_fp_mont")
    epilogue(a, SAVED6, SQR_FRAME)
    func_end(a, name)

def rodata(a):
    a.i(".section\t.rodata")
    a.i(".p2align 4")
    a.raw(".Lprivfin_fp_p:")
    pl = limbs(p, 6)
    a.i(".quad\t" + ", ".join(hex(x) for x in pl[:3]))
    a.i(".quad\t" + ", ".join(hex(x) for x in pl[3:]))
    a.raw(".Lprivfin_fp_p2:")
    ql = limbs(p * p, 12)
    for r in range(4): a.i(".quad\t" + ", ".join(hex(x) for x in ql[3*r:3*r+3]))
    a.i(".text")


# ---- Fp6 lazy multiplication ----
# Wide values here are 768-bit integers in [0, M), M = p 2^384, kept modulo
# M: adding or subtracting M changes only the high half by p.
PM = ".Lprivfin_fp_p"
LO = ["r8", "r9", "r10", "r11", "r12", "r13"]
HI = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi"]

def wop(a, op, dst, x, y):
    # frame offsets (rsp): dst = x op y modulo M, for x, y in [0, M).
    a.c(f"wide {op}: [{dst}] = [{x}] {'+' if op == 'add' else '-'} [{y}] mod p 2^384")
    first, rest = ("addq", "adcq") if op == "add" else ("subq", "sbbq")
    for k in range(6): a.i(f"movq\t{x+8*k}(%rsp), %{LO[k]}")
    for k in range(6): a.i(f"{first if k == 0 else rest}\t{y+8*k}(%rsp), %{LO[k]}")
    for k in range(6): a.i(f"movq\t%{LO[k]}, {dst+8*k}(%rsp)")  # mov keeps the flags
    for k in range(6): a.i(f"movq\t{x+48+8*k}(%rsp), %{HI[k]}")
    for k in range(6): a.i(f"{rest}\t{y+48+8*k}(%rsp), %{HI[k]}")
    if op == "add":
        # x + y < 2M < 2^768: no carry out; subtract p from the high half
        # unless that borrows (the sum is then below M already).
        for k in range(6): a.i(f"movq\t%{HI[k]}, %{LO[k]}")
        for k in range(6): a.i(f"{'subq' if k == 0 else 'sbbq'}\t{PM}+{8*k}(%rip), %{LO[k]}")
        for k in range(6): a.i(f"cmovcq\t%{HI[k]}, %{LO[k]}")
    else:
        # a borrow out means x - y < 0: add M (p on the high half).
        a.i("sbbq\t%r14, %r14")
        for k in range(6): a.i(f"movq\t%{HI[k]}, %{LO[k]}")
        for k in range(6): a.i(f"{'addq' if k == 0 else 'adcq'}\t{PM}+{8*k}(%rip), %{LO[k]}")
        a.i("testq\t%r14, %r14")
        for k in range(6): a.i(f"cmovzq\t%{HI[k]}, %{LO[k]}")
    for k in range(6): a.i(f"movq\t%{LO[k]}, {dst+48+8*k}(%rsp)")

def fp_add_mod(a, dst, xreg, xoff, yreg, yoff):
    # [dst] (frame) = x + y mod p for reduced x, y (six limbs each).
    s = LO; c = ["rax", "rbx", "rcx", "rdx", "rbp", "r15"]
    for k in range(6): a.i(f"movq\t{xoff+8*k}(%{xreg}), %{s[k]}")
    for k in range(6): a.i(f"{'addq' if k == 0 else 'adcq'}\t{yoff+8*k}(%{yreg}), %{s[k]}")
    for k in range(6): a.i(f"movq\t%{s[k]}, %{c[k]}")
    for k in range(6): a.i(f"{'subq' if k == 0 else 'sbbq'}\t{PM}+{8*k}(%rip), %{c[k]}")
    for k in range(6): a.i(f"cmovcq\t%{s[k]}, %{c[k]}")
    for k in range(6): a.i(f"movq\t%{c[k]}, {dst+8*k}(%rsp)")

# .Lprivfin_fp2_mulw: out (24 limbs) = a b in Fp2 unreduced: out.c0 =
# a0 b0 + p^2 - a1 b1 in (0, 2p^2), out.c1 = a0 b1 + a1 b0 in [0, 2p^2),
# for reduced a, b. rdi = out, rsi = a, rcx = b; out must not overlap a or
# b. Frame: T0 0, T1 96, sa 192, sb 240, out 288, a 296, b 304.
W_FRAME = 312
def fp2_mulw(a):
    name = ".Lprivfin_fp2_mulw"
    func_start(a, name, local=True)
    a.i(f"subq\t${W_FRAME}, %rsp")
    a.i(f".cfi_adjust_cfa_offset {W_FRAME}")
    a.i("movq\t%rdi, 288(%rsp)")
    a.i("movq\t%rsi, 296(%rsp)")
    a.i("movq\t%rcx, 304(%rsp)")
    for src, dst in (("rsi", 192), ("rcx", 240)):
        for k in range(6):
            a.i(f"movq\t{8*k}(%{src}), %rax")
            a.i(f"{'addq' if k == 0 else 'adcq'}\t{48+8*k}(%{src}), %rax")
            a.i(f"movq\t%rax, {dst+8*k}(%rsp)")
    a.i("leaq\t0(%rsp), %rdi")
    a.i("call\t.Lprivfin_fp_wide")  # T0 = a0 b0 (rsi, rcx still a, b)
    a.i("leaq\t96(%rsp), %rdi")
    a.i("movq\t296(%rsp), %rsi")
    a.i("addq\t$48, %rsi")
    a.i("movq\t304(%rsp), %rcx")
    a.i("addq\t$48, %rcx")
    a.i("call\t.Lprivfin_fp_wide")  # T1 = a1 b1
    a.i("movq\t288(%rsp), %rdi")
    a.i("addq\t$96, %rdi")
    a.i("leaq\t192(%rsp), %rsi")
    a.i("leaq\t240(%rsp), %rcx")
    a.i("call\t.Lprivfin_fp_wide")  # out.c1 = sa sb
    a.i("movq\t288(%rsp), %rdi")
    a.c("out.c1 -= T0 + T1; out.c0 = T0 + p^2 - T1")
    for k in range(12): a.i(f"movq\t{96+8*k}(%rdi), %{REGS12[k]}")
    chain12(a, REGS12, "subq", "sbbq", lambda k: f"{8*k}(%rsp)")
    chain12(a, REGS12, "subq", "sbbq", lambda k: f"{96+8*k}(%rsp)")
    for k in range(12): a.i(f"movq\t%{REGS12[k]}, {96+8*k}(%rdi)")
    for k in range(12): a.i(f"movq\t{8*k}(%rsp), %{REGS12[k]}")
    chain12(a, REGS12, "addq", "adcq", lambda k: f".Lprivfin_fp_p2+{8*k}(%rip)")
    chain12(a, REGS12, "subq", "sbbq", lambda k: f"{96+8*k}(%rsp)")
    for k in range(12): a.i(f"movq\t%{REGS12[k]}, {8*k}(%rdi)")
    a.i(f"addq\t${W_FRAME}, %rsp")
    a.i(f".cfi_adjust_cfa_offset -{W_FRAME}")
    a.i("ret")
    func_end(a, name, local=True)

# Fp6 frame: out 0, a 8, b 16; the six Fp2 sums (reduced, 96 bytes each)
# from 32; the six wide Fp2 products (192 bytes each) from 608; a wide
# scratch Fp2 at 1760.
S12A, S12B, S01A, S01B, S02A, S02B = (32 + 96 * i for i in range(6))
T0, T1, T2, M12, M01, M02 = (608 + 192 * i for i in range(6))
X = 1760
F6_FRAME = 1960
def fp6_mul(a):
    name = "privfin_bls12_381_fp6_mul_adx"
    func_start(a, name)
    prologue(a, SAVED6, F6_FRAME)
    a.i("movq\t%rdi, 0(%rsp)")
    a.i("movq\t%rsi, 8(%rsp)")
    a.i("movq\t%rdx, 16(%rsp)")
    a.i("movq\t%rdx, %rdi")
    a.c("sums of coefficients, reduced: a1 + a2, b1 + b2, a0 + a1, b0 + b1, a0 + a2, b0 + b2")
    for dst, reg, i, j in ((S12A, "rsi", 1, 2), (S12B, "rdi", 1, 2), (S01A, "rsi", 0, 1), (S01B, "rdi", 0, 1),
                           (S02A, "rsi", 0, 2), (S02B, "rdi", 0, 2)):
        for c in range(2):
            fp_add_mod(a, dst + 48 * c, reg, 96 * i + 48 * c, reg, 96 * j + 48 * c)
    a.c("wide products: t_i = a_i b_i, m12, m01, m02 of the sums")
    for dst, x, y in ((T0, ("a", 0), ("b", 0)), (T1, ("a", 96), ("b", 96)), (T2, ("a", 192), ("b", 192)),
                      (M12, ("s", S12A), ("s", S12B)), (M01, ("s", S01A), ("s", S01B)), (M02, ("s", S02A), ("s", S02B))):
        a.i(f"leaq\t{dst}(%rsp), %rdi")
        for reg, (kind, off) in (("rsi", x), ("rcx", y)):
            if kind == "s":
                a.i(f"leaq\t{off}(%rsp), %{reg}")
            else:
                a.i(f"movq\t{8 if kind == 'a' else 16}(%rsp), %{reg}")
                if off: a.i(f"addq\t${off}, %{reg}")
        a.i("call\t.Lprivfin_fp2_mulw")
    def w2(op, dst, x, y):  # Fp2-wide op, coefficient by coefficient
        wop(a, op, dst, x, y)
        wop(a, op, dst + 96, x + 96, y + 96)
    def xi(dst, x):  # dst = (x0 - x1, x0 + x1); dst may not be x
        wop(a, "sub", dst, x, x + 96)
        wop(a, "add", dst + 96, x, x + 96)
    a.c("c0 = t0 + xi (m12 - t1 - t2), in M12")
    w2("sub", M12, M12, T1)
    w2("sub", M12, M12, T2)
    xi(X, M12)
    w2("add", M12, X, T0)
    a.c("c1 = m01 - t0 - t1 + xi t2, in M01")
    w2("sub", M01, M01, T0)
    w2("sub", M01, M01, T1)
    xi(X, T2)
    w2("add", M01, M01, X)
    a.c("c2 = m02 - t0 - t2 + t1, in M02")
    w2("sub", M02, M02, T0)
    w2("sub", M02, M02, T2)
    w2("add", M02, M02, T1)
    a.c("reduce the six coefficients into out (a and b are no longer read: out may alias them)")
    for n, src in enumerate((M12, M12 + 96, M01, M01 + 96, M02, M02 + 96)):
        a.i("movq\t0(%rsp), %rdi")
        if n: a.i(f"addq\t${48 * n}, %rdi")
        a.i(f"leaq\t{src}(%rsp), %rsi")
        a.i("call\t.Lprivfin_fp_redc")
    epilogue(a, SAVED6, F6_FRAME)
    func_end(a, name)


# ---- Fp4 squaring (the cyclotomic squaring's kernel) ----
# .Lprivfin_fp2_sqrw: out (24 limbs) = x^2 in Fp2 unreduced, x reduced:
# out.c0 = (x0 + x1)(x0 + p - x1) in [0, 4p^2), out.c1 = 2 x0 x1 in
# [0, 2p^2); both below M (4p^2 < p 2^384 as 4p < 2^384). rdi = out,
# rsi = x; out must not overlap x. Frame: s 0, d 48, t 96, out 144, x 152.
Q_FRAME = 168
def fp2_sqrw(a):
    name = ".Lprivfin_fp2_sqrw"
    func_start(a, name, local=True)
    a.i(f"subq\t${Q_FRAME}, %rsp")
    a.i(f".cfi_adjust_cfa_offset {Q_FRAME}")
    a.i("movq\t%rdi, 144(%rsp)")
    a.i("movq\t%rsi, 152(%rsp)")
    w = ["r8", "r9", "r10", "r11", "r12", "r13"]
    for k in range(6): a.i(f"movq\t{8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"{'addq' if k == 0 else 'adcq'}\t{48+8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"movq\t%{w[k]}, {8*k}(%rsp)")
    for k in range(6): a.i(f"movq\t{8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"{'addq' if k == 0 else 'adcq'}\t{PM}+{8*k}(%rip), %{w[k]}")
    for k in range(6): a.i(f"{'subq' if k == 0 else 'sbbq'}\t{48+8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"movq\t%{w[k]}, {48+8*k}(%rsp)")
    for k in range(6): a.i(f"movq\t{8*k}(%rsi), %{w[k]}")
    for k in range(6): a.i(f"{'addq' if k == 0 else 'adcq'}\t%{w[k]}, %{w[k]}")
    for k in range(6): a.i(f"movq\t%{w[k]}, {96+8*k}(%rsp)")
    a.i("leaq\t0(%rsp), %rsi")
    a.i("leaq\t48(%rsp), %rcx")
    a.i("call\t.Lprivfin_fp_wide")  # out.c0 = s d (rdi = out)
    a.i("movq\t144(%rsp), %rdi")
    a.i("addq\t$96, %rdi")
    a.i("leaq\t96(%rsp), %rsi")
    a.i("movq\t152(%rsp), %rcx")
    a.i("addq\t$48, %rcx")
    a.i("call\t.Lprivfin_fp_wide")  # out.c1 = t x1
    a.i(f"addq\t${Q_FRAME}, %rsp")
    a.i(f".cfi_adjust_cfa_offset -{Q_FRAME}")
    a.i("ret")
    func_end(a, name, local=True)

# Frame: out 0, a 8, b 16, a^2 32, b^2 224, s = a + b 416, s^2 512, x 704.
F4_FRAME = 904
def fp4_sqr(a):
    name = "privfin_bls12_381_fp4_sqr_adx"
    A2, B2, S, S2, XX = 32, 224, 416, 512, 704
    func_start(a, name)
    prologue(a, SAVED6, F4_FRAME)
    a.i("movq\t%rdi, 0(%rsp)")
    a.i("movq\t%rsi, 8(%rsp)")
    a.i("movq\t%rdx, 16(%rsp)")
    a.i("movq\t%rdx, %rdi")
    a.c("s = a + b, reduced")
    for c in range(2): fp_add_mod(a, S + 48 * c, "rsi", 48 * c, "rdi", 48 * c)
    for dst, src in ((A2, 8), (B2, 16), (S2, None)):
        a.i(f"leaq\t{dst}(%rsp), %rdi")
        a.i(f"movq\t{src}(%rsp), %rsi" if src else f"leaq\t{S}(%rsp), %rsi")
        a.i("call\t.Lprivfin_fp2_sqrw")
    def w2(op, dst, x, y):
        wop(a, op, dst, x, y)
        wop(a, op, dst + 96, x + 96, y + 96)
    a.c("out1 = s^2 - a^2 - b^2 = 2 a b, in S2")
    w2("sub", S2, S2, A2)
    w2("sub", S2, S2, B2)
    a.c("out0 = xi b^2 + a^2, in X")
    wop(a, "sub", XX, B2, B2 + 96)
    wop(a, "add", XX + 96, B2, B2 + 96)
    w2("add", XX, XX, A2)
    a.c("reduce the four coefficients into out (a and b are no longer read: out may alias them)")
    for n, src in enumerate((XX, XX + 96, S2, S2 + 96)):
        a.i("movq\t0(%rsp), %rdi")
        if n: a.i(f"addq\t${48 * n}, %rdi")
        a.i(f"leaq\t{src}(%rsp), %rsi")
        a.i("call\t.Lprivfin_fp_redc")
    epilogue(a, SAVED6, F4_FRAME)
    func_end(a, name)



# The blocks in the order they appear in the file.
BLOCKS = [
  ("mmont", macro("privfin_fp_mont_rows", mont_body, "pack")),
  ("mwide", macro("privfin_fp_wide_rows", wide_body)),
  ("mredc", macro("privfin_fp_redc_rows", redc_body, "pack")),
  ("mul", exported("privfin_bls12_381_fp_mul_adx", "privfin_fp_mont_rows 0")),
  ("wide", exported("privfin_bls12_381_fp_mul_wide_adx", "privfin_fp_wide_rows")),
  ("redc", exported("privfin_bls12_381_fp_redc_adx", "privfin_fp_redc_rows 0", move_b=False)),
  ("lmont", local(".Lprivfin_fp_mont", "privfin_fp_mont_rows 1")),
  ("lwide", local(".Lprivfin_fp_wide", "privfin_fp_wide_rows")),
  ("lredc", local(".Lprivfin_fp_redc", "privfin_fp_redc_rows 1")),
  ("fp2mul", fp2_mul),
  ("fp2sqr", fp2_sqr),
  ("fp2mulw", fp2_mulw),
  ("fp6mul", fp6_mul),
  ("fp2sqrw", fp2_sqrw),
  ("fp4sqr", fp4_sqr),
  ("rodata", rodata),
]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "lib/sig/bls12_381/fp_mul_x86.cpp"
    text = open(path).read()
    found = list(re.finditer(r'asm\(R"\(\n.*?\n\)"\);\n', text, re.S))
    if len(found) != len(BLOCKS):
        sys.exit(f"{path}: {len(found)} asm blocks, expected {len(BLOCKS)}")
    out, pos = [], 0
    for match, (_, gen) in zip(found, BLOCKS):
        out.append(text[pos:match.start()])
        out.append(block(gen))
        pos = match.end()
    out.append(text[pos:])
    open(path, "w").write("".join(out))


if __name__ == "__main__":
    main()
