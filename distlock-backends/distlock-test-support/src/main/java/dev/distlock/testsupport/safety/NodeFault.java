package dev.distlock.testsupport.safety;

/** Takes one node of the backend's store down and brings it back, e.g. kill -9 of a Redlock node and its restart. */
public interface NodeFault {

    /** What goes down, for the table: e.g. "redlock node 1 of 3 (no persistence)". */
    String describe();

    void down();

    /** Brings the node back and returns once it serves again. */
    void up();
}
