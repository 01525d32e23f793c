"""Draw the app's PNG icons from the same shapes as `advocato/shell/static/advocato/icon.svg`
(a white A on the brand blue), in the sizes browsers ask of an installable web app: 192 and
512 px with rounded corners, a 512 px "maskable" one whose A keeps to the middle 60 % (the
safe zone a phone may crop to a circle), and a 180 px one for iOS's home screen.

    .venv/bin/python scripts/make_icons.py     # rewrites advocato/shell/static/advocato/icons/
"""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND, WHITE = (31, 95, 139, 255), (255, 255, 255, 255)
# The SVG's path, in its 32-unit box: the A, and the counter inside it.
A = [(9, 25), (16, 7), (23, 25), (19.4, 25), (17.9, 20.8), (14, 20.8), (12.6, 25)]
COUNTER = [(15, 17.8), (17.1, 17.8), (16, 14.6)]
OUT = Path(__file__).resolve().parent.parent / "advocato/shell/static/advocato/icons"
SUPERSAMPLE = 4


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BRAND)
        scale, offset = big * 0.6 / 32, big * 0.2
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=BRAND)
        scale, offset = big / 32, 0.0

    def place(points):
        return [(offset + x * scale, offset + y * scale) for x, y in points]

    pen.polygon(place(A), fill=WHITE)
    pen.polygon(place(COUNTER), fill=BRAND)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon-180.png", 180, True),
    ):
        draw(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
