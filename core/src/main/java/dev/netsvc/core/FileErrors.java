package dev.netsvc.core;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Turns a failure to read or write a file into the cause in plain words ("permission denied", "is a
 * directory"), for messages that already name the file. The JDK's exceptions for files often carry
 * only the path as their message, which would print the path where the cause should be.
 */
public final class FileErrors {

    private FileErrors() {
    }

    /** The cause of {@code failure}, without the path: "does not exist", "permission denied", ... */
    public static String reason(IOException failure) {
        if (failure instanceof NoSuchFileException) {
            return "it does not exist";
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof NotDirectoryException) {
            return "a part of its path is not a directory";
        }
        if (failure instanceof CharacterCodingException) {
            return "it is not UTF-8 text";
        }
        String reason = failure instanceof FileSystemException fs ? fs.getReason() : failure.getMessage();
        if (reason == null || reason.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("is a directory")) {
            return "it is a directory, not a file";
        }
        if (lower.contains("permission denied") || lower.contains("access is denied")) {
            return "permission denied";
        }
        if (lower.contains("no space left")) {
            return "no space left on the device";
        }
        if (lower.contains("read-only file system")) {
            return "the file system is read-only";
        }
        return reason;
    }
}
