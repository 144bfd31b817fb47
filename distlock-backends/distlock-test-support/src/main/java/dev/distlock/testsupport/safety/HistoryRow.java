package dev.distlock.testsupport.safety;

/**
 * One event of a run, stamped by the database clock ({@code micros} since the epoch).
 *
 * @param accepted for READ and WRITE: whether the fenced resource took it; else null
 */
record HistoryRow(long id, String process, String key, String acquisition, Long token, String kind,
                  Boolean accepted, String detail, long micros) {

    boolean is(String kind) {
        return this.kind.equals(kind);
    }

    boolean acceptedAccess() {
        return Boolean.TRUE.equals(accepted);
    }
}
