package org.bollwerk.media;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

    /** @return null when the image already fits (serve the original), or cannot be read */
    static Result thumbnail(byte[] original, String contentType, Size size, long maxPixels) throws IOException {
        int[] dims = dimensions(original);
        if (dims == null) return null;
        if ((long) dims[0] * dims[1] > maxPixels) throw new IOException("image too large to thumbnail");
        if (size.method().equals("scale") && dims[0] <= size.width() && dims[1] <= size.height()) return null;
        BufferedImage source = ImageIO.read(new ByteArrayInputStream(original));
        if (source == null) return null;
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

    /** Width and height from the header only, without decoding the pixels. */
    static int[] dimensions(byte[] image) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return null;
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new int[]{reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }
}
