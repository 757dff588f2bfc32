/* The C text scanner: the steps of reading CSV and TSV exports that Python does slowly.
 *
 * Why it exists: Python's csv module cannot tell NULL (an empty unquoted field)
 * from an empty string (""), so the CSV reader split with it and then looked at
 * records again; decoding a chunk, splitting it into lines and counting each
 * line's quotes are three passes; and id columns were matched by a regular
 * expression. On exports whose JSON columns are long quoted text that cost more
 * than the validation itself (CSV at about half the NDJSON rate). Each function
 * here reads exactly what the Python code it stands in for reads, and hands the
 * work back (None) wherever that code must look closer, so every problem is
 * still found and reported by the Python readers
 * (tests/validators/test_textscan.py holds them to each other):
 *
 *   lines_of(chunk) -> (texts, odd) | None            csvcopy._lines_of_in_python
 *   split_block(texts, width, depth) -> (columns, deep) | None     csvcopy.split_record
 *   split_tsv_block(texts, width, depth) -> (columns, deep) | None    tsv.split_fields
 *   integers(values, zero) -> list | None                textrows._ID / textrows._COUNT
 *   line_ends(buffer, start, end) -> int                          parallel._line_ends
 *
 * texts: records without their line end; width: the header's field count;
 * columns: ``width`` lists, a value per record (str, or None for NULL); deep:
 * the indexes of records with a value holding more than ``depth`` opening
 * brackets (the caller looks at those values). A block is handed back when a
 * record has a field count other than ``width``, and for CSV when it holds a
 * line end, a quote inside an unquoted field, text after a closing quote or a
 * quoted field that does not end.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

typedef struct {
    PyObject **columns; /* width lists, each of n slots */
    Py_ssize_t width;
    Py_UCS1 *scratch; /* room for the longest one-byte record, for values being unescaped */
} Out;

/* A value of a quoted field with "" inside: the text between the quotes, each "" one quote. */
#define UNESCAPE(TYPE)                                                                        \
    static PyObject *unescape_##TYPE(const TYPE *start, Py_ssize_t size, int kind) {          \
        TYPE *buffer = PyMem_Malloc(size > 0 ? size * sizeof(TYPE) : 1);                       \
        if (buffer == NULL) return PyErr_NoMemory();                                          \
        Py_ssize_t used = 0;                                                                  \
        for (Py_ssize_t i = 0; i < size; i++) {                                               \
            buffer[used++] = start[i];                                                        \
            if (start[i] == '"') i++; /* the second quote of a pair */                        \
        }                                                                                     \
        PyObject *value = PyUnicode_FromKindAndData(kind, buffer, used);                      \
        PyMem_Free(buffer);                                                                   \
        return value;                                                                         \
    }

UNESCAPE(Py_UCS2)
UNESCAPE(Py_UCS4)

/* Split one CSV record into column slot ``row`` of out: 1 when it fits, 0 when the block is
 * handed back, -1 on a Python error. ``brackets`` gets the most opening brackets ('[' and
 * '{') in one value. */
#define SPLIT(TYPE)                                                                           \
    static int split_##TYPE(PyObject *text, const TYPE *data, Py_ssize_t size, int kind,      \
                            Out *out, Py_ssize_t row, Py_ssize_t *brackets) {                 \
        Py_ssize_t position = 0, field = 0, opened = 0;                                       \
        for (;;) {                                                                            \
            PyObject *value;                                                                  \
            Py_ssize_t here = 0;                                                              \
            if (field >= out->width) return 0; /* more fields than the header */              \
            if (position < size && data[position] == '"') {                                   \
                Py_ssize_t start = position + 1, pairs = 0, i = start;                        \
                for (;;) {                                                                    \
                    if (i >= size) return 0; /* the quoted field does not end on this line */ \
                    TYPE c = data[i];                                                         \
                    if (c == '"') {                                                           \
                        if (i + 1 < size && data[i + 1] == '"') {                             \
                            pairs++;                                                          \
                            i += 2;                                                           \
                            continue;                                                         \
                        }                                                                     \
                        break;                                                                \
                    }                                                                         \
                    if (c == '\n' || c == '\r') return 0;                                     \
                    if (c == '[' || c == '{') here++;                                         \
                    i++;                                                                      \
                }                                                                             \
                if (pairs)                                                                    \
                    value = unescape_##TYPE(data + start, i - start, kind);                   \
                else                                                                          \
                    value = PyUnicode_Substring(text, start, i);                              \
                position = i + 1;                                                             \
                if (position < size && data[position] != ',') {                               \
                    Py_XDECREF(value);                                                        \
                    return 0; /* text after a closing quote */                                \
                }                                                                             \
            } else {                                                                          \
                Py_ssize_t i = position;                                                      \
                for (; i < size; i++) {                                                       \
                    TYPE c = data[i];                                                         \
                    if (c == ',') break;                                                      \
                    if (c == '"' || c == '\n' || c == '\r') return 0;                         \
                    if (c == '[' || c == '{') here++;                                         \
                }                                                                             \
                if (i == position) {                                                          \
                    value = Py_None;                                                          \
                    Py_INCREF(value);                                                         \
                } else {                                                                      \
                    value = PyUnicode_Substring(text, position, i);                           \
                }                                                                             \
                position = i;                                                                 \
            }                                                                                 \
            if (value == NULL) return -1;                                                     \
            if (here > opened) opened = here;                                                 \
            PyList_SET_ITEM(out->columns[field], row, value);                                 \
            field++;                                                                          \
            if (position >= size) break;                                                      \
            position++; /* the comma */                                                       \
            if (position == size) {                                                           \
                /* a comma ends the record: one more field, NULL */                           \
                if (field >= out->width) return 0;                                            \
                Py_INCREF(Py_None);                                                           \
                PyList_SET_ITEM(out->columns[field], row, Py_None);                           \
                field++;                                                                      \
                break;                                                                        \
            }                                                                                 \
        }                                                                                     \
        *brackets = opened;                                                                   \
        return field == out->width;                                                           \
    }

SPLIT(Py_UCS2)
SPLIT(Py_UCS4)

/* The same for text of one byte per character (ASCII and Latin-1, nearly every record),
 * with memchr: a record is looked at a few times over at memory speed instead of once a
 * character at a time. */
static int split_one_byte(PyObject *text, const Py_UCS1 *data, Py_ssize_t size, Out *out,
                          Py_ssize_t row, Py_ssize_t *brackets) {
    if (memchr(data, '\n', size) != NULL || memchr(data, '\r', size) != NULL) return 0;
    int ascii = PyUnicode_IS_ASCII(text);
    Py_ssize_t position = 0, field = 0, opened = 0;
    for (;;) {
        PyObject *value;
        Py_ssize_t here = 0;
        if (field >= out->width) return 0; /* more fields than the header */
        if (position < size && data[position] == '"') {
            /* one pass copies the value into scratch, each "" as one quote */
            Py_ssize_t start = position + 1, i = start;
            Py_UCS1 *to = out->scratch;
            for (;;) {
                if (i >= size) return 0; /* the quoted field does not end on this line */
                Py_UCS1 c = data[i];
                if (c == '"') {
                    if (i + 1 < size && data[i + 1] == '"') {
                        *to++ = c;
                        i += 2;
                        continue;
                    }
                    break;
                }
                here += (c == '[') | (c == '{');
                *to++ = c;
                i++;
            }
            Py_ssize_t used = to - out->scratch;
            if (used == i - start)
                value = PyUnicode_Substring(text, start, i);
            else if (ascii) {
                value = PyUnicode_New(used, 127);
                if (value != NULL) memcpy(PyUnicode_1BYTE_DATA(value), out->scratch, used);
            } else
                value = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, out->scratch, used);
            position = i + 1;
            if (position < size && data[position] != ',') {
                Py_XDECREF(value);
                return 0; /* text after a closing quote */
            }
        } else {
            const Py_UCS1 *comma = memchr(data + position, ',', size - position);
            Py_ssize_t i = comma == NULL ? size : comma - data;
            if (memchr(data + position, '"', i - position) != NULL) return 0; /* a stray quote */
            for (Py_ssize_t j = position; j < i; j++) here += (data[j] == '[') | (data[j] == '{');
            if (i == position) {
                value = Py_None;
                Py_INCREF(value);
            } else {
                value = PyUnicode_Substring(text, position, i);
            }
            position = i;
        }
        if (value == NULL) return -1;
        if (here > opened) opened = here;
        PyList_SET_ITEM(out->columns[field], row, value);
        field++;
        if (position >= size) break;
        position++; /* the comma */
        if (position == size) {
            /* a comma ends the record: one more field, NULL */
            if (field >= out->width) return 0;
            Py_INCREF(Py_None);
            PyList_SET_ITEM(out->columns[field], row, Py_None);
            field++;
            break;
        }
    }
    *brackets = opened;
    return field == out->width;
}

/* TSV as MariaDB writes it (readers/tsv.py, split_fields): fields end at a tab that no
 * backslash escapes; the raw text NULL or \N is NULL; a backslash before 0, b, n, r, t or Z
 * is that control character and before any other character that character; a lone
 * backslash at the end stays. */
#define TSV_FIELD(TYPE)                                                                       \
    static PyObject *tsv_value_##TYPE(PyObject *text, const TYPE *data, Py_ssize_t start,     \
                                      Py_ssize_t end, Py_ssize_t escapes, int kind) {         \
        Py_ssize_t size = end - start;                                                        \
        if ((size == 4 && data[start] == 'N' && data[start + 1] == 'U' &&                      \
             data[start + 2] == 'L' && data[start + 3] == 'L') ||                             \
            (size == 2 && data[start] == '\\' && data[start + 1] == 'N'))                     \
            Py_RETURN_NONE;                                                                   \
        if (escapes == 0) return PyUnicode_Substring(text, start, end);                       \
        TYPE *buffer = PyMem_Malloc(size * sizeof(TYPE));                                     \
        if (buffer == NULL) return PyErr_NoMemory();                                          \
        Py_ssize_t used = 0;                                                                  \
        for (Py_ssize_t i = start; i < end; i++) {                                            \
            TYPE c = data[i];                                                                 \
            if (c == '\\' && i + 1 < end) {                                                   \
                c = data[++i];                                                                \
                switch (c) {                                                                  \
                    case '0': c = 0; break;                                                   \
                    case 'b': c = '\b'; break;                                                \
                    case 'n': c = '\n'; break;                                                \
                    case 'r': c = '\r'; break;                                                \
                    case 't': c = '\t'; break;                                                \
                    case 'Z': c = 0x1a; break;                                                \
                    default: break;                                                           \
                }                                                                             \
            }                                                                                 \
            buffer[used++] = c;                                                               \
        }                                                                                     \
        PyObject *value = PyUnicode_FromKindAndData(kind, buffer, used);                      \
        PyMem_Free(buffer);                                                                   \
        return value;                                                                         \
    }                                                                                         \
                                                                                              \
    static int tsv_##TYPE(PyObject *text, const TYPE *data, Py_ssize_t size, int kind,        \
                          Out *out, Py_ssize_t row, Py_ssize_t *brackets) {                   \
        Py_ssize_t position = 0, field = 0, opened = 0;                                       \
        for (;;) {                                                                            \
            Py_ssize_t i = position, escapes = 0, here = 0;                                   \
            if (field >= out->width) return 0; /* more fields than the header */              \
            for (; i < size; i++) {                                                           \
                TYPE c = data[i];                                                             \
                if (c == '\t') break;                                                         \
                if (c == '\\' && i + 1 < size) {                                              \
                    escapes++;                                                                \
                    i++;                                                                      \
                    c = data[i];                                                              \
                }                                                                             \
                here += (c == '[') | (c == '{');                                              \
            }                                                                                 \
            PyObject *value = tsv_value_##TYPE(text, data, position, i, escapes, kind);       \
            if (value == NULL) return -1;                                                     \
            if (here > opened) opened = here;                                                 \
            PyList_SET_ITEM(out->columns[field], row, value);                                 \
            field++;                                                                          \
            if (i >= size) break;                                                             \
            position = i + 1;                                                                 \
        }                                                                                     \
        *brackets = opened;                                                                   \
        return field == out->width;                                                           \
    }

TSV_FIELD(Py_UCS1)
TSV_FIELD(Py_UCS2)
TSV_FIELD(Py_UCS4)

/* The same for text of one byte per character, with memchr. */
static int tsv_one_byte(PyObject *text, const Py_UCS1 *data, Py_ssize_t size, Out *out,
                        Py_ssize_t row, Py_ssize_t *brackets) {
    if (memchr(data, '\\', size) != NULL)
        return tsv_Py_UCS1(text, data, size, PyUnicode_1BYTE_KIND, out, row, brackets);
    Py_ssize_t position = 0, field = 0, opened = 0;
    for (;;) {
        if (field >= out->width) return 0; /* more fields than the header */
        const Py_UCS1 *tab = memchr(data + position, '\t', size - position);
        Py_ssize_t end = tab == NULL ? size : tab - data, here = 0;
        for (Py_ssize_t j = position; j < end; j++) here += (data[j] == '[') | (data[j] == '{');
        if (here > opened) opened = here;
        PyObject *value = tsv_value_Py_UCS1(text, data, position, end, 0, PyUnicode_1BYTE_KIND);
        if (value == NULL) return -1;
        PyList_SET_ITEM(out->columns[field], row, value);
        field++;
        if (tab == NULL) break;
        position = end + 1;
    }
    *brackets = opened;
    return field == out->width;
}

/* lines_of(chunk) -> (texts, odd) | None: the lines of a chunk of bytes read whole (it ends
 * at a LF) as text, without their LF, and the indexes of the lines holding an odd number of
 * quotes; None when the chunk holds a CR or a line that is not UTF-8 (the reader splits it
 * line by line). One pass instead of decoding the chunk, splitting it and counting quotes
 * line by line. */
static PyObject *lines_of(PyObject *Py_UNUSED(module), PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const char *data = view.buf, *end = data + view.len;
    PyObject *texts = NULL, *odd = NULL, *result = NULL;
    if (memchr(data, '\r', view.len) != NULL) goto none;
    texts = PyList_New(0);
    odd = PyList_New(0);
    if (texts == NULL || odd == NULL) goto done;
    Py_ssize_t index = 0;
    while (data < end) {
        const char *lf = memchr(data, '\n', end - data);
        if (lf == NULL) lf = end; /* (a chunk read whole ends at a LF: never here) */
        Py_ssize_t quotes = 0;
        for (const char *c = data; c < lf; c++) quotes += *c == '"';
        PyObject *text = PyUnicode_DecodeUTF8(data, lf - data, NULL);
        if (text == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) goto done;
            PyErr_Clear();
            goto none;
        }
        int failed = PyList_Append(texts, text);
        Py_DECREF(text);
        if (failed) goto done;
        if (quotes & 1) {
            PyObject *number = PyLong_FromSsize_t(index);
            if (number == NULL || PyList_Append(odd, number) < 0) {
                Py_XDECREF(number);
                goto done;
            }
            Py_DECREF(number);
        }
        index++;
        data = lf + 1;
    }
    result = PyTuple_Pack(2, texts, odd);
    goto done;
none:
    result = Py_None;
    Py_INCREF(result);
done:
    Py_XDECREF(texts);
    Py_XDECREF(odd);
    PyBuffer_Release(&view);
    return result;
}

/* line_ends(buffer, start, end) -> int: the line ends in buffer[start:end] as the readers
 * count them (LF, CRLF and a lone CR each end one): parallel.py's _line_ends, which the
 * parent of --jobs runs over every byte of an NDJSON file to number each span's first line,
 * in one counting pass (a CR is rare: without one, LFs only). */
static PyObject *line_ends(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer view;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "y*nn", &view, &start, &end)) return NULL;
    if (start < 0) start = 0;
    if (end > view.len) end = view.len;
    const unsigned char *data = (const unsigned char *)view.buf;
    Py_ssize_t found = 0;
    if (start < end) {
        Py_ssize_t size = end - start;
        const unsigned char *p = data + start;
        if (memchr(p, '\r', size) == NULL) {
            /* memchr from one LF to the next: at memory speed for lines of any length but
             * the shortest */
            const unsigned char *at = p, *stop = p + size;
            while ((at = memchr(at, '\n', stop - at)) != NULL) {
                found++;
                at++;
            }
        } else {
            for (Py_ssize_t i = 0; i < size; i++) {
                if (p[i] == '\n')
                    found++;
                else if (p[i] == '\r' && (i + 1 == size || p[i + 1] != '\n'))
                    found++; /* a lone CR; a CR before a LF ends the line with the LF */
            }
        }
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(found);
}

/* integers(values, zero) -> list | None: a column of ids (``zero`` false: [1-9][0-9]{0,17})
 * or counts (``zero`` true: 0 as well) as integers, None kept; None when a value is other
 * text (the caller converts the column value by value). textrows.py's patterns, in C. */
static PyObject *integers(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *values;
    int zero;
    if (!PyArg_ParseTuple(args, "Op", &values, &zero)) return NULL;
    PyObject *fast = PySequence_Fast(values, "integers: values must be a sequence");
    if (fast == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    PyObject **items = PySequence_Fast_ITEMS(fast);
    PyObject *result = PyList_New(n);
    if (result == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *value = items[i], *number;
        if (value == Py_None) {
            Py_INCREF(Py_None);
            PyList_SET_ITEM(result, i, Py_None);
            continue;
        }
        if (!PyUnicode_Check(value) || !PyUnicode_IS_ASCII(value)) goto other;
        Py_ssize_t size = PyUnicode_GET_LENGTH(value);
        const Py_UCS1 *digits = PyUnicode_1BYTE_DATA(value);
        if (size < 1 || size > 18) goto other;
        if (digits[0] == '0' && !(zero && size == 1)) goto other;
        long long total = 0;
        for (Py_ssize_t j = 0; j < size; j++) {
            if (digits[j] < '0' || digits[j] > '9') goto other;
            total = total * 10 + (digits[j] - '0');
        }
        number = PyLong_FromLongLong(total);
        if (number == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, number);
    }
    goto done;
other:
    Py_DECREF(result);
    result = Py_None;
    Py_INCREF(result);
done:
    Py_DECREF(fast);
    return result;
}

/* The records of ``texts`` split by ``tsv`` rules (else CSV), column by column. */
static PyObject *split_texts(PyObject *args, int tsv) {
    PyObject *texts;
    Py_ssize_t width, depth;
    if (!PyArg_ParseTuple(args, "O!nn", &PyList_Type, &texts, &width, &depth)) return NULL;
    if (width < 1) Py_RETURN_NONE;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *columns = PyList_New(width);
    PyObject *deep = PyList_New(0);
    Out out = {NULL, width, NULL};
    if (columns == NULL || deep == NULL) goto error;
    out.columns = PyMem_Malloc(width * sizeof(PyObject *));
    if (out.columns == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t f = 0; f < width; f++) {
        /* slots are NULL until their record is split: a list given up on is released as it is */
        PyObject *column = PyList_New(n);
        if (column == NULL) goto error;
        PyList_SET_ITEM(columns, f, column);
        out.columns[f] = column;
    }
    Py_ssize_t longest = 1;
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *text = PyList_GET_ITEM(texts, r);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "every record must be a str");
            goto error;
        }
        if (PyUnicode_GET_LENGTH(text) > longest) longest = PyUnicode_GET_LENGTH(text);
    }
    out.scratch = PyMem_Malloc(longest);
    if (out.scratch == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *text = PyList_GET_ITEM(texts, r);
        Py_ssize_t size = PyUnicode_GET_LENGTH(text), brackets = 0;
        const void *data = PyUnicode_DATA(text);
        int kind = PyUnicode_KIND(text), fits;
        if (tsv) {
            if (kind == PyUnicode_1BYTE_KIND)
                fits = tsv_one_byte(text, data, size, &out, r, &brackets);
            else if (kind == PyUnicode_2BYTE_KIND)
                fits = tsv_Py_UCS2(text, data, size, kind, &out, r, &brackets);
            else
                fits = tsv_Py_UCS4(text, data, size, kind, &out, r, &brackets);
        } else if (kind == PyUnicode_1BYTE_KIND)
            fits = split_one_byte(text, data, size, &out, r, &brackets);
        else if (kind == PyUnicode_2BYTE_KIND)
            fits = split_Py_UCS2(text, data, size, kind, &out, r, &brackets);
        else
            fits = split_Py_UCS4(text, data, size, kind, &out, r, &brackets);
        if (fits != 1) {
            if (fits < 0) goto error;
            PyMem_Free(out.scratch);
            PyMem_Free(out.columns);
            Py_DECREF(columns);
            Py_DECREF(deep);
            Py_RETURN_NONE;
        }
        if (brackets > depth) {
            PyObject *index = PyLong_FromSsize_t(r);
            if (index == NULL || PyList_Append(deep, index) < 0) {
                Py_XDECREF(index);
                goto error;
            }
            Py_DECREF(index);
        }
    }
    PyMem_Free(out.scratch);
    PyMem_Free(out.columns);
    PyObject *result = PyTuple_Pack(2, columns, deep);
    Py_DECREF(columns);
    Py_DECREF(deep);
    return result;
error:
    PyMem_Free(out.scratch);
    PyMem_Free(out.columns);
    Py_XDECREF(columns);
    Py_XDECREF(deep);
    return NULL;
}

static PyObject *split_block(PyObject *Py_UNUSED(module), PyObject *args) {
    return split_texts(args, 0);
}

static PyObject *split_tsv_block(PyObject *Py_UNUSED(module), PyObject *args) {
    return split_texts(args, 1);
}

static PyMethodDef methods[] = {
    {"line_ends", line_ends, METH_VARARGS,
     "line_ends(buffer, start, end) -> int: LF, CRLF and lone CR line ends in "
     "buffer[start:end]."},
    {"integers", integers, METH_VARARGS,
     "integers(values, zero) -> list | None: a column of id (or, with zero, count) text as "
     "integers, None kept; None when a value is other text."},
    {"lines_of", lines_of, METH_O,
     "lines_of(chunk) -> (texts, odd) | None: a chunk's lines as text and the indexes of those "
     "with an odd number of quotes; None when it holds a CR or a line that is not UTF-8."},
    {"split_block", split_block, METH_VARARGS,
     "split_block(texts, width, depth) -> (columns, deep) | None: one-line CSV records split "
     "as split_record splits them, column by column; None when one needs the Python reader."},
    {"split_tsv_block", split_tsv_block, METH_VARARGS,
     "split_tsv_block(texts, width, depth) -> (columns, deep) | None: one-line TSV records "
     "split as split_fields splits them, column by column; None when one has another field "
     "count."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_textscan",
    "The C text scanner of the CSV and TSV readers: lines, records and id columns.",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__textscan(void) { return PyModule_Create(&module); }
