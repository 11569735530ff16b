package dev.ducklift.ducklake.write;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TypePromotionTest {
  @Test
  void onlyWideningIsAllowed() {
    assertThat(TypePromotion.allowed("int8", "int64")).isTrue();
    assertThat(TypePromotion.allowed("int32", "int16")).isFalse();
    assertThat(TypePromotion.allowed("uint16", "uint32")).isTrue();
    assertThat(TypePromotion.allowed("uint32", "int64")).isTrue();
    assertThat(TypePromotion.allowed("uint32", "int32")).isFalse();
    assertThat(TypePromotion.allowed("int8", "uint16")).isFalse();
    assertThat(TypePromotion.allowed("float32", "float64")).isTrue();
    assertThat(TypePromotion.allowed("int32", "varchar")).isFalse();
  }
}
