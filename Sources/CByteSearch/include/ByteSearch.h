#ifndef CLOVER_BYTE_SEARCH_H
#define CLOVER_BYTE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/// The first index k of text[0..<length] with text[k] == first and text[k + distance] == second
/// (k + distance < length), or `length` when there is none. Two bytes of a needle some way apart
/// rule out far more places than one byte does, so the log search verifies few candidates.
size_t byte_search_pair(const uint8_t *text, size_t length, uint8_t first, uint8_t second, size_t distance);

/// Two bytes of one needle: `first` at `low` and `second` at `high` places after where it starts.
typedef struct {
    size_t low;
    size_t high;
    uint8_t first;
    uint8_t second;
} byte_search_pair_spec;

/// The most specs ``byte_search_pairs`` takes.
#define BYTE_SEARCH_MAX_SPECS 16

/// The first start s < `starts` at which some spec has text[s + low] == first and
/// text[s + high] == second, or `starts` when there is none: several needles in one pass over the
/// text. text must hold `starts` plus the largest `high` bytes; at most BYTE_SEARCH_MAX_SPECS specs.
size_t byte_search_pairs(const uint8_t *text, size_t starts, const byte_search_pair_spec *specs, size_t count);

/// How many times `byte` occurs in text[0..<length] (line breaks in text that is passed over).
size_t byte_search_count(const uint8_t *text, size_t length, uint8_t byte);

/// The index of the last `byte` in text[0..<length], or `length` when there is none.
size_t byte_search_last(const uint8_t *text, size_t length, uint8_t byte);

#endif
