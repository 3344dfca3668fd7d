package org.bollwerk.media;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;

/** Scales or crops images with javax.imageio (PNG, JPEG, GIF, BMP; first frame of animations). */
final class Thumbnailer {
    /** The sizes thumbnails are generated in (as Synapse does): requests snap to one, so storage stays bounded. */
    record Size(int width, int height, String method) {
    }

    static final List<Size> SIZES = List.of(new Size(32, 32, "crop"), new Size(96, 96, "crop"),
            new Size(320, 240, "scale"), new Size(640, 480, "scale"), new Size(800, 600, "scale"));
    static final List<String> THUMBNAILABLE = List.of("image/png", "image/jpeg", "image/gif", "image/bmp");

    private Thumbnailer() {
    }

    /** The smallest configured size of {@code method} at least as large as asked, else the largest. */
    static Size snap(int width, int height, String method) {
        List<Size> candidates = SIZES.stream().filter(s -> s.method().equals(method)).toList();
        return candidates.stream().filter(s -> s.width() >= width && s.height() >= height).findFirst()
                .orElse(candidates.getLast());
    }

    record Result(byte[] bytes, String contentType) {
    }

    /**
     * Reads the declared dimensions from the header first and refuses images above {@code maxPixels} before
     * any pixel is decoded (decompression bombs); then decodes with source subsampling, so a large photo is
     * read at about twice the thumbnail's size instead of in full.
     *
     * @return null when the image already fits (serve the original), or cannot be read
     */
    static Result thumbnail(InputStream original, String contentType, Size size, long maxPixels) throws IOException {
        // A memory cache, not ImageIO's default file cache: that would write the decrypted image to the temp directory
        try (ImageInputStream in = new MemoryCacheImageInputStream(original)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return null;
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > maxPixels) throw new IOException("image too large to thumbnail");
                if (size.method().equals("scale") && width <= size.width() && height <= size.height()) return null;
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(width, height, size);
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage source = reader.read(0, param);
                return source == null ? null : render(source, contentType, size);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Every how many source pixels one is decoded: as many as leaves the decoded image at least twice the
     * thumbnail in the dimension that decides its scale (so scaling down still has pixels to average).
     */
    static int subsampling(int width, int height, Size size) {
        double ratio = size.method().equals("crop")
                ? Math.min((double) width / size.width(), (double) height / size.height())
                : Math.max((double) width / size.width(), (double) height / size.height());
        return Math.max(1, (int) Math.floor(ratio / 2));
    }

    private static Result render(BufferedImage source, String contentType, Size size) throws IOException {
        int sw = source.getWidth();
        int sh = source.getHeight();
        int targetW;
        int targetH;
        int cropX = 0;
        int cropY = 0;
        int cropW = sw;
        int cropH = sh;
        if (size.method().equals("crop")) {
            targetW = Math.min(size.width(), sw);
            targetH = Math.min(size.height(), sh);
            double scale = Math.max((double) targetW / sw, (double) targetH / sh);
            cropW = (int) Math.round(targetW / scale);
            cropH = (int) Math.round(targetH / scale);
            cropX = (sw - cropW) / 2;
            cropY = (sh - cropH) / 2;
        } else {
            double scale = Math.min((double) size.width() / sw, (double) size.height() / sh);
            targetW = Math.max(1, (int) Math.round(sw * scale));
            targetH = Math.max(1, (int) Math.round(sh * scale));
        }
        boolean jpeg = contentType.equals("image/jpeg");
        BufferedImage out = new BufferedImage(targetW, targetH, jpeg ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(source, 0, 0, targetW, targetH, cropX, cropY, cropX + cropW, cropY + cropH, null);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, jpeg ? "jpeg" : "png", bytes);
        return new Result(bytes.toByteArray(), jpeg ? "image/jpeg" : "image/png");
    }
}
