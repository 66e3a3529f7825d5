#include "ByteSearch.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
// Built for any x86-64; the AVX2 loop runs only where the CPU has it.
#define BYTE_SEARCH_AVX2 1
#endif

#if defined(BYTE_SEARCH_AVX2)
/// The pairs loop 32 starts at a time. Returns the first start found, or `starts`; `*stopped` is
/// where the whole 32-byte steps ended, for the narrower loops to go on from.
__attribute__((target("avx2")))
static size_t byte_search_pairs_avx2(const uint8_t *text, size_t starts, const byte_search_pair_spec *specs, size_t count, size_t *stopped) {
    __m256i firsts[BYTE_SEARCH_MAX_SPECS], seconds[BYTE_SEARCH_MAX_SPECS];
    for (size_t i = 0; i < count; i++) {
        firsts[i] = _mm256_set1_epi8((char)specs[i].first);
        seconds[i] = _mm256_set1_epi8((char)specs[i].second);
    }
    size_t s = 0;
    for (; s + 32 <= starts; s += 32) {
        __m256i any = _mm256_setzero_si256();
        for (size_t i = 0; i < count; i++) {
            const __m256i a = _mm256_loadu_si256((const __m256i *)(text + s + specs[i].low));
            const __m256i b = _mm256_loadu_si256((const __m256i *)(text + s + specs[i].high));
            any = _mm256_or_si256(any, _mm256_and_si256(_mm256_cmpeq_epi8(a, firsts[i]), _mm256_cmpeq_epi8(b, seconds[i])));
        }
        const unsigned mask = (unsigned)_mm256_movemask_epi8(any);
        if (mask != 0) {
            *stopped = s;
            return s + (size_t)__builtin_ctz(mask);
        }
    }
    *stopped = s;
    return starts;
}
#endif

size_t byte_search_pair(const uint8_t *text, size_t length, uint8_t first, uint8_t second, size_t distance) {
    if (length <= distance) return length;
    // Start positions k run below `last`; text[k + distance] stays inside the text.
    const size_t last = length - distance;
    size_t k = 0;
#if defined(__SSE2__)
    const __m128i firsts = _mm_set1_epi8((char)first);
    const __m128i seconds = _mm_set1_epi8((char)second);
    // 32 positions per step: two compares at each end, one branch.
    for (; k + 32 <= last; k += 32) {
        const __m128i a0 = _mm_loadu_si128((const __m128i *)(text + k));
        const __m128i a1 = _mm_loadu_si128((const __m128i *)(text + k + 16));
        const __m128i b0 = _mm_loadu_si128((const __m128i *)(text + k + distance));
        const __m128i b1 = _mm_loadu_si128((const __m128i *)(text + k + distance + 16));
        const __m128i m0 = _mm_and_si128(_mm_cmpeq_epi8(a0, firsts), _mm_cmpeq_epi8(b0, seconds));
        const __m128i m1 = _mm_and_si128(_mm_cmpeq_epi8(a1, firsts), _mm_cmpeq_epi8(b1, seconds));
        const unsigned mask = (unsigned)_mm_movemask_epi8(m0) | ((unsigned)_mm_movemask_epi8(m1) << 16);
        if (mask != 0) return k + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; k < last; k++) {
        if (text[k] == first && text[k + distance] == second) return k;
    }
    return length;
}

size_t byte_search_pairs(const uint8_t *text, size_t starts, const byte_search_pair_spec *specs, size_t count) {
    if (count > BYTE_SEARCH_MAX_SPECS) count = BYTE_SEARCH_MAX_SPECS;
    size_t s = 0;
#if defined(BYTE_SEARCH_AVX2)
    if (__builtin_cpu_supports("avx2")) {
        const size_t found = byte_search_pairs_avx2(text, starts, specs, count, &s);
        if (found < starts) return found;
    }
#endif
#if defined(__SSE2__)
    __m128i firsts[BYTE_SEARCH_MAX_SPECS], seconds[BYTE_SEARCH_MAX_SPECS];
    for (size_t i = 0; i < count; i++) {
        firsts[i] = _mm_set1_epi8((char)specs[i].first);
        seconds[i] = _mm_set1_epi8((char)specs[i].second);
    }
    for (; s + 16 <= starts; s += 16) {
        __m128i any = _mm_setzero_si128();
        for (size_t i = 0; i < count; i++) {
            const __m128i a = _mm_loadu_si128((const __m128i *)(text + s + specs[i].low));
            const __m128i b = _mm_loadu_si128((const __m128i *)(text + s + specs[i].high));
            any = _mm_or_si128(any, _mm_and_si128(_mm_cmpeq_epi8(a, firsts[i]), _mm_cmpeq_epi8(b, seconds[i])));
        }
        const unsigned mask = (unsigned)_mm_movemask_epi8(any);
        if (mask != 0) return s + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; s < starts; s++) {
        for (size_t i = 0; i < count; i++) {
            if (text[s + specs[i].low] == specs[i].first && text[s + specs[i].high] == specs[i].second) return s;
        }
    }
    return starts;
}

size_t byte_search_count(const uint8_t *text, size_t length, uint8_t byte) {
    size_t count = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i bytes = _mm_set1_epi8((char)byte);
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= length) {
        // Per-lane counters of 8 bits: add up at most 255 blocks, then sum the lanes (psadbw).
        __m128i lanes = zero;
        for (size_t block = 0; block < 255 && i + 16 <= length; block++, i += 16) {
            const __m128i chunk = _mm_loadu_si128((const __m128i *)(text + i));
            lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(chunk, bytes));
        }
        const __m128i sums = _mm_sad_epu8(lanes, zero);
        count += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
#endif
    for (; i < length; i++) count += text[i] == byte;
    return count;
}

size_t byte_search_last(const uint8_t *text, size_t length, uint8_t byte) {
    size_t i = length;
#if defined(__SSE2__)
    const __m128i bytes = _mm_set1_epi8((char)byte);
    while (i >= 16) {
        const __m128i chunk = _mm_loadu_si128((const __m128i *)(text + i - 16));
        const unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, bytes));
        if (mask != 0) return i - 16 + (size_t)(31 - __builtin_clz(mask));
        i -= 16;
    }
#endif
    while (i > 0) {
        i--;
        if (text[i] == byte) return i;
    }
    return length;
}
