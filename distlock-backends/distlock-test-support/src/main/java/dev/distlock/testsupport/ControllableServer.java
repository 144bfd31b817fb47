package dev.distlock.testsupport;

/** A server a test started and can hurt: kill -9, pause (SIGSTOP), restart on the same port. */
public interface ControllableServer extends AutoCloseable {

    /** The loopback port the server answers on. */
    int port();

    /** Dies at once, without cleaning up. */
    void kill();

    /** Stops answering but keeps its sockets open, as a process in a long GC pause. */
    void pause();

    /** Answers again after {@link #pause()}. */
    void resume();

    /** Starts again after {@link #kill()}, on the same port with the same data. */
    void restart();

    boolean isAlive();

    @Override
    void close();
}
