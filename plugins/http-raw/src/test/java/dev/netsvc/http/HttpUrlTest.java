package dev.netsvc.http;

import dev.netsvc.core.UsageException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://example.com                 | example.com | 80   | /              | example.com",
        "http://example.com:8080/a/b?c=d    | example.com | 8080 | /a/b?c=d       | example.com:8080",
        "HTTP://Example.com/x#frag          | Example.com | 80   | /x             | Example.com",
        "localhost:8080                     | localhost   | 8080 | /              | localhost:8080",
        "http://127.0.0.1:80/               | 127.0.0.1   | 80   | /              | 127.0.0.1",
        "http://[::1]:8080/index.html       | ::1         | 8080 | /index.html    | [::1]:8080",
        "http://h?q=1                       | h           | 80   | /?q=1          | h",
        "http://h/a b/café                  | h           | 80   | /a%20b/caf%C3%A9 | h",
        "http://h/%2e%2e/x                  | h           | 80   | /%2e%2e/x      | h",
    })
    void parses(String text, String host, int port, String target, String hostHeader) {
        HttpUrl url = HttpUrl.parse(text);
        assertEquals(host, url.host());
        assertEquals(port, url.port());
        assertEquals(target, url.target());
        assertEquals(hostHeader, url.hostHeader());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://h/", "http://", "http:///x", "http://user:pw@h/", "http://h:99999/", "http://h:x/"})
    void refuses(String text) {
        assertThrows(UsageException.class, () -> HttpUrl.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/", "HTTPS://example.com"})
    void httpsUrlsAskForTlsOnPort443(String text) {
        HttpUrl url = HttpUrl.parse(text);
        assertTrue(url.tls(), text);
        assertEquals(443, url.port(), text);
        assertEquals("example.com", url.host(), text);
    }

    @Test
    void saysPlainlyWhichSchemesItSpeaks() {
        UsageException e = assertThrows(UsageException.class, () -> HttpUrl.parse("ftp://example.com/"));
        assertTrue(e.getMessage().contains("only http:// and https:// URLs are supported"), e.getMessage());
    }
}
