package dev.netsvc.http;

/**
 * The {@code Transfer-Encoding} of a request, gathered over every field line (RFC 9112 §6.1). Only
 * {@code chunked}, once and last, is implemented: another coding is 501, a misplaced chunked 400.
 */
final class TransferCodings {

    private boolean present;
    private int chunked;
    private boolean chunkedLast;
    private String unknown;

    void add(byte[] a, int from, int to) throws HttpException {
        present = true;
        HttpBytes.forEachElement(a, from, to, (b, eFrom, eTo) -> {
            if (eFrom == eTo) {
                return; // empty list elements are allowed and mean nothing (RFC 9110 §5.6.1)
            }
            chunkedLast = HttpBytes.equalsIgnoreCase(b, eFrom, eTo, "chunked");
            if (chunkedLast) {
                chunked++;
            } else if (unknown == null) {
                unknown = HttpBytes.text(b, eFrom, eTo);
            }
        });
    }

    boolean present() {
        return present;
    }

    /** Fails unless the codings are exactly {@code chunked}. */
    void check() throws HttpException {
        if (unknown != null) {
            throw new HttpException(Status.NOT_IMPLEMENTED, "transfer coding '" + unknown + "' is not implemented");
        }
        if (chunked != 1 || !chunkedLast) {
            throw HttpException.badRequest("Transfer-Encoding must end in chunked, once");
        }
    }

    void clear() {
        present = false;
        chunked = 0;
        chunkedLast = false;
        unknown = null;
    }
}
