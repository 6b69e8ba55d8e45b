package dev.netsvc.examples.classics;

// tag::words[]
/** What wordcount counts: runs of characters between whitespace. */
final class Words {

    private Words() {
    }

    static int count(String text) {
        String words = text.strip();
        return words.isEmpty() ? 0 : words.split("\\s+").length;
    }
}
// end::words[]
