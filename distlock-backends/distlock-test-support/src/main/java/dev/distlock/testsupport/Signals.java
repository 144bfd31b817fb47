package dev.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;

/** POSIX signals to processes a test started itself. */
final class Signals {

    private Signals() {
    }

    static void send(String signal, long pid) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
