package dev.netsvc.launcher.admin;

import dev.netsvc.launcher.text.Json;

/**
 * Just enough JSON output for the status document: objects, arrays, strings, numbers and booleans, with
 * commas placed by the writer; strings through {@link Json#string}.
 */
final class JsonWriter {

    private final StringBuilder out = new StringBuilder(1024);
    /** Whether the next value in the current object or array needs a comma before it. */
    private boolean comma;

    JsonWriter beginObject() {
        separate();
        out.append('{');
        comma = false;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        comma = true;
        return this;
    }

    JsonWriter beginArray() {
        separate();
        out.append('[');
        comma = false;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        comma = true;
        return this;
    }

    /** A member name; the value follows with the next call. */
    JsonWriter name(String name) {
        separate();
        string(name);
        out.append(':');
        comma = false;
        return this;
    }

    JsonWriter value(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        comma = true;
        return this;
    }

    JsonWriter value(long value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    JsonWriter value(boolean value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void separate() {
        if (comma) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append(Json.string(s));
    }
}
