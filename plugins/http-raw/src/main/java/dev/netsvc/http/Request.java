package dev.netsvc.http;

/**
 * A complete, valid request (its body, if any, already consumed and discarded).
 *
 * @param line            the request line as received, for the access log
 * @param target          the decoded target of a GET or HEAD; null for the other methods
 * @param keepAlive       whether the connection stays open after the response
 * @param ifNoneMatch     the If-None-Match value, or null
 * @param ifModifiedSince the If-Modified-Since value, or null
 * @param referer         the Referer value, or null (kept only for the combined access log)
 * @param userAgent       the User-Agent value, or null (kept only for the combined access log)
 */
record Request(Method method, Version version, String line, RequestTarget target, boolean keepAlive,
               String ifNoneMatch, String ifModifiedSince, String referer, String userAgent) {
}
