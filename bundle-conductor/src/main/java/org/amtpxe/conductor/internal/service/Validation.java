package org.amtpxe.conductor.internal.service;

/**
 * The outcome of one interface's validate.
 *
 * @param result true when valid, false when not, null when the interface is not supported
 * @param reason why not, or null
 */
public record Validation(Boolean result, String reason) {}
