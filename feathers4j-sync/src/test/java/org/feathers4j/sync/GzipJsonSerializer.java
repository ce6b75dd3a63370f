package org.feathers4j.sync;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A binary serializer for adapter tests: gzip of the JSON, so the bytes on the bus are not text. */
public final class GzipJsonSerializer implements SyncSerializer {

    @Override
    public byte[] serialize(SyncMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(SyncSerializer.json().serialize(message));
        }
        return out.toByteArray();
    }

    @Override
    public SyncMessage deserialize(byte[] bytes) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return SyncSerializer.json().deserialize(in.readAllBytes());
        }
    }
}
