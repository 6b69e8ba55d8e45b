package dev.netsvc.http;

/** The protocol versions this server speaks; a higher HTTP/1.x minor version is treated as 1.1. */
enum Version {
    HTTP_1_0, HTTP_1_1;

    /**
     * Parses {@code HTTP-version = "HTTP/" DIGIT "." DIGIT} (RFC 9112 §2.3).
     *
     * @throws HttpException 400 if malformed, 505 for a major version other than 1
     */
    static Version parse(byte[] a, int from, int to) throws HttpException {
        if (to - from != 8 || a[from] != 'H' || a[from + 1] != 'T' || a[from + 2] != 'T' || a[from + 3] != 'P'
                || a[from + 4] != '/' || !isDigit(a[from + 5]) || a[from + 6] != '.' || !isDigit(a[from + 7])) {
            throw HttpException.badRequest("malformed HTTP version '" + HttpBytes.text(a, from, to) + "'");
        }
        if (a[from + 5] != '1') {
            throw new HttpException(Status.VERSION_NOT_SUPPORTED,
                    "HTTP/" + (char) a[from + 5] + " is not supported; this server speaks HTTP/1.0 and HTTP/1.1");
        }
        return a[from + 7] == '0' ? HTTP_1_0 : HTTP_1_1;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
