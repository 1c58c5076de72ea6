import NIOCore

/// Splits the bytes a connection reads into `IMFrame`s, for a handler that decodes its own frames.
///
/// The session handler reads frames through this instead of a `ByteToMessageHandler` in front of it: no
/// handler, context and buffers of their own (about 450 bytes of every idle connection), no pipeline hop
/// and no boxing of each frame. Between reads it holds nothing, unless a read ended inside a frame: then
/// it copies that frame's bytes into a buffer of its own, sized for the whole frame, so the socket's
/// receive buffer is never held by a partial frame. The header rules are `IMFrameDecoder`'s.
package struct IMFrameReader {
    private var decoder: IMFrameDecoder
    /// Bytes not yet decoded: the last read's, or (`owned`) a partial frame's copy.
    private var buffer: ByteBuffer?
    private var owned = false

    package init(decoder: IMFrameDecoder) {
        self.decoder = decoder
    }

    /// Bytes of an incomplete frame held now (at the end of the stream: how far into a frame it ended).
    package var bufferedBytes: Int { buffer?.readableBytes ?? 0 }

    /// Adds bytes read from the connection; take the frames with `next()`.
    package mutating func append(_ bytes: ByteBuffer) {
        guard buffer != nil else {
            buffer = bytes
            owned = false
            return
        }
        buffer!.writeImmutableBuffer(bytes)
    }

    /// The next complete frame (its body a slice of the bytes read), or nil when more bytes are needed.
    /// Throws `IMWireError` for a bad header: the stream cannot be resynchronised after it.
    package mutating func next() throws(IMWireError) -> IMFrame? {
        guard buffer != nil else { return nil }
        let frame: IMFrame?
        do {
            frame = try decoder.decode(buffer: &buffer!)
        } catch let error as IMWireError {
            throw error
        } catch {
            throw IMWireError(.badLength, "\(error)")
        }
        if let frame {
            if buffer!.readableBytes == 0 {
                buffer = nil
                owned = false
            }
            return frame
        }
        if !owned {
            // Keep the partial frame in a buffer of our own, sized for the whole frame once its header is
            // here (the decoder has checked its length by then; never trust a length before that).
            let remainder = buffer!
            var length = 0
            if remainder.readableBytes >= IMFrame.headerSize,
                let header = remainder.getInteger(at: remainder.readerIndex, as: Int32.self)
            {
                length = min(max(0, Int(header)), decoder.maxBodySize)
            }
            var own = ByteBufferAllocator().buffer(
                capacity: max(remainder.readableBytes, IMFrame.headerSize + length)
            )
            own.writeImmutableBuffer(remainder)
            buffer = own
            owned = true
        }
        return nil
    }
}
