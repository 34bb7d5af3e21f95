/* A strict JSON checker for the fuzz targets (RFC 8259): one value, optional whitespace around it,
 * strings of well-formed UTF-8 without raw control characters, valid escapes, numbers in JSON's
 * grammar. json_check returns NULL if the text is well-formed, else what is wrong. */
#ifndef BV_FUZZ_JSON_CHECK_H
#define BV_FUZZ_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct json_cursor {
    const unsigned char *at, *end;
    const char *error;
    int depth;
} json_cursor;

static bool json__fail(json_cursor *c, const char *error)
{
    if (!c->error) c->error = error;
    return false;
}

static void json__space(json_cursor *c)
{
    while (c->at < c->end && (*c->at == ' ' || *c->at == '\t' || *c->at == '\n' || *c->at == '\r')) c->at++;
}

static bool json__literal(json_cursor *c, const char *word)
{
    for (; *word; word++, c->at++)
        if (c->at >= c->end || *c->at != (unsigned char)*word) return json__fail(c, "bad literal");
    return true;
}

static bool json__digits(json_cursor *c)
{
    if (c->at >= c->end || *c->at < '0' || *c->at > '9') return json__fail(c, "digit expected");
    while (c->at < c->end && *c->at >= '0' && *c->at <= '9') c->at++;
    return true;
}

static bool json__number(json_cursor *c)
{
    if (c->at < c->end && *c->at == '-') c->at++;
    if (c->at < c->end && *c->at == '0') c->at++;
    else if (!json__digits(c)) return false;
    if (c->at < c->end && *c->at == '.') {
        c->at++;
        if (!json__digits(c)) return false;
    }
    if (c->at < c->end && (*c->at == 'e' || *c->at == 'E')) {
        c->at++;
        if (c->at < c->end && (*c->at == '+' || *c->at == '-')) c->at++;
        if (!json__digits(c)) return false;
    }
    return true;
}

static bool json__hex(unsigned char h)
{
    return (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
}

static bool json__string(json_cursor *c)
{
    c->at++; /* the opening quote */
    while (c->at < c->end) {
        const unsigned char b = *c->at;
        if (b == '"') {
            c->at++;
            return true;
        }
        if (b < 0x20) return json__fail(c, "raw control character in a string");
        if (b == '\\') {
            if (++c->at >= c->end) break;
            const unsigned char e = *c->at++;
            if (e == 'u') {
                for (int i = 0; i < 4; i++, c->at++)
                    if (c->at >= c->end || !json__hex(*c->at)) return json__fail(c, "bad \\u escape");
            } else if (!(e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                         e == 'r' || e == 't')) {
                return json__fail(c, "bad escape");
            }
            continue;
        }
        if (b < 0x80) {
            c->at++;
            continue;
        }
        /* UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF */
        int extra;
        unsigned code, min;
        if (b >= 0xC2 && b <= 0xDF) extra = 1, code = b & 0x1F, min = 0x80;
        else if (b >= 0xE0 && b <= 0xEF) extra = 2, code = b & 0x0F, min = 0x800;
        else if (b >= 0xF0 && b <= 0xF4) extra = 3, code = b & 0x07, min = 0x10000;
        else return json__fail(c, "invalid UTF-8 lead byte in a string");
        c->at++;
        for (int i = 0; i < extra; i++, c->at++) {
            if (c->at >= c->end || (*c->at & 0xC0) != 0x80) return json__fail(c, "truncated UTF-8 in a string");
            code = code << 6 | (*c->at & 0x3Fu);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return json__fail(c, "invalid UTF-8 sequence in a string");
    }
    return json__fail(c, "unterminated string");
}

static bool json__value(json_cursor *c);

static bool json__container(json_cursor *c, unsigned char close, bool object)
{
    if (++c->depth > 64) return json__fail(c, "nested too deeply");
    c->at++;
    json__space(c);
    if (c->at < c->end && *c->at == close) {
        c->at++;
        c->depth--;
        return true;
    }
    for (;;) {
        json__space(c);
        if (object) {
            if (c->at >= c->end || *c->at != '"') return json__fail(c, "key expected");
            if (!json__string(c)) return false;
            json__space(c);
            if (c->at >= c->end || *c->at != ':') return json__fail(c, "':' expected");
            c->at++;
        }
        if (!json__value(c)) return false;
        json__space(c);
        if (c->at < c->end && *c->at == ',') {
            c->at++;
            continue;
        }
        if (c->at < c->end && *c->at == close) {
            c->at++;
            c->depth--;
            return true;
        }
        return json__fail(c, object ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static bool json__value(json_cursor *c)
{
    json__space(c);
    if (c->at >= c->end) return json__fail(c, "value expected");
    switch (*c->at) {
    case '{': return json__container(c, '}', true);
    case '[': return json__container(c, ']', false);
    case '"': return json__string(c);
    case 't': return json__literal(c, "true");
    case 'f': return json__literal(c, "false");
    case 'n': return json__literal(c, "null");
    default: return json__number(c);
    }
}

static const char *json_check(const unsigned char *text, size_t size)
{
    json_cursor c = {text, text + size, NULL, 0};
    if (!json__value(&c)) return c.error ? c.error : "invalid";
    json__space(&c);
    return c.at == c.end ? NULL : "text after the value";
}

#endif
