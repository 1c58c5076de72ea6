// ncursesw for imtop (ARCHITECTURE.md §9). Swift 6 cannot read ncurses' global variables (stdscr, LINES, COLS) and
// does not import its function-like macros (A_BOLD, COLOR_PAIR): these inline accessors expose them.
#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <langinfo.h>
#include <locale.h>
#include <ncursesw/curses.h>
#include <string.h>

static inline WINDOW *cncurses_stdscr(void) { return stdscr; }
static inline int cncurses_lines(void) { return LINES; }
static inline int cncurses_cols(void) { return COLS; }

static inline int cncurses_attr_bold(void) { return (int)A_BOLD; }
static inline int cncurses_attr_dim(void) { return (int)A_DIM; }
static inline int cncurses_attr_reverse(void) { return (int)A_REVERSE; }
static inline int cncurses_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int cncurses_color_pair(short pair) { return (int)COLOR_PAIR(pair); }

/// Whether the locale (after setlocale(LC_ALL, "")) encodes text as UTF-8.
static inline int cncurses_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

#endif
